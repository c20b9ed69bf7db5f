<?php

/** @generate-class-entries */

namespace Ringmaster;

/**
 * The running process tree, reached through its control socket: from inside a worker
 * (new Server()) or from any other PHP script (new Server('/path/to/start.php.pid')).
 */
final class Server
{
    private string $pidFile = '';

    public function __construct(?string $pidFile = null) {}

    /** Replaces every reloadable worker, start before stop; returns the outcome. */
    public function reload(bool $graceful = false): array {}

    /** Stops the server; returns once the master has acknowledged. */
    public function stop(bool $graceful = false): array {}

    /** Every process of the tree, as `php start.php status --json` shows it. */
    public function status(): array {}

    /** Every open connection of every worker. */
    public function connections(): array {}

    public function getPidFile(): string {}
}
