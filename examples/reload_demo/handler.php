<?php
// The reloadable part of reload_demo: edit it, then `php start.php reload`.
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;

const HANDLER_VERSION = 1;

final class DemoHandler
{
    private int $served = 0;
    private float $loadedAt;

    public function __construct()
    {
        $this->loadedAt = microtime(true);
    }

    public function handle(Request $req): Response
    {
        $this->served++;
        $body = sprintf("Hello from version %d (worker pid %d, %d requests since this code was loaded %.1f s ago)\n",
            HANDLER_VERSION, getmypid(), $this->served, microtime(true) - $this->loadedAt);
        return new Response(200, ['Content-Type' => 'text/plain; charset=utf-8', 'X-Handler-Version' => (string)HANDLER_VERSION], $body);
    }
}
