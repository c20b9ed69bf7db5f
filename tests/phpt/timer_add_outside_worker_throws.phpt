--TEST--
Timer::add() in the start script (no running worker) throws a clear Error; Timer::del() of an unknown id returns false
--EXTENSIONS--
ringmaster
--FILE--
<?php
use Ringmaster\Timer;
try {
    Timer::add(1.0, fn() => null);
    echo "no error\n";
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
var_dump(Timer::del(12345));
Timer::delAll();
echo "done\n";
?>
--EXPECT--
Error: Ringmaster\Timer::add() needs a running worker: call it in onWorkerStart or a callback, not in the start script
bool(false)
done
