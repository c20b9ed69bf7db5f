<?php

/** @generate-class-entries */

namespace Ringmaster;

/** Timers of the current worker's event loop. */
final class Timer
{
    private function __construct() {}

    /** Calls $callback($args...) every $interval seconds (once if not $persistent). */
    public static function add(float $interval, callable $callback, array $args = [], bool $persistent = true): int {}

    public static function del(int $timerId): bool {}

    public static function delAll(): void {}
}
