<?php

/** @generate-class-entries */

namespace Ringmaster;

/**
 * A group of worker processes serving one address (or none), Workerman-style.
 * Callback properties accept any callable; assigning anything else throws a TypeError.
 */
#[\AllowDynamicProperties]
class Worker
{
    /** Slot of this process within its group, 0..count-1 (set in the worker). */
    public int $id = 0;
    public int $count = 1;
    public string $name = 'none';
    public string $protocol = '';
    public string $transport = 'tcp';
    public bool $reusePort = false;
    public bool $reloadable = true;
    public string $user = '';
    public string $group = '';
    /** Retire the process (start before stop) after this many messages; 0 = never. */
    public int $maxRequests = 0;
    /** @var array<int, TcpConnection> */
    public array $connections = [];

    public mixed $onWorkerStart = null;
    public mixed $onWorkerStop = null;
    public mixed $onWorkerReload = null;
    public mixed $onConnect = null;
    public mixed $onMessage = null;
    public mixed $onClose = null;
    public mixed $onError = null;
    public mixed $onBufferFull = null;
    public mixed $onBufferDrain = null;
    /** websocket://: the opening handshake arrived; close the connection to refuse it. */
    public mixed $onWebSocketConnect = null;
    public mixed $onWebSocketPing = null;
    public mixed $onWebSocketPong = null;

    public static string $pidFile = '';
    public static string $logFile = '';
    public static string $stdoutFile = '/dev/null';
    public static bool $daemonize = false;
    /** Seconds a stopping or retiring worker may take to finish its work. */
    public static float $stopTimeout = 2.0;
    /** Seconds a replacement worker has to become ready during a reload. */
    public static float $startTimeout = 30.0;
    /** Worker slots replaced at the same time during a reload. */
    public static int $reloadParallelism = 1;
    public static mixed $onMasterReload = null;
    public static mixed $onWorkerExit = null;

    public function __construct(string $socketName = '', array $contextOption = []) {}

    /** Starts listening from inside a worker (a Worker created in onWorkerStart). */
    public function listen(): void {}

    /** Stops accepting new connections on this Worker in the current process. */
    public function unlisten(): void {}

    /** Parses the command line and runs it: start (becomes the master), stop, reload, ... */
    public static function runAll(): void {}

    /** Stops the whole server (from inside a worker) or this process's serving. */
    public static function stopAll(int $code = 0): void {}
}
