--TEST--
Assigning a non-callable to a Worker callback property throws a TypeError naming the property; null clears it
--EXTENSIONS--
ringmaster
--FILE--
<?php
use Ringmaster\Worker;

$w = new Worker();
foreach (['onMessage' => 'no_such_function', 'onConnect' => 42, 'onClose' => [new stdClass, 'nope'],
          'onWorkerStart' => 'NoSuchClass::method', 'onBufferFull' => new stdClass] as $prop => $bad) {
    try {
        $w->$prop = $bad;
        echo "$prop: accepted\n";
    } catch (TypeError $e) {
        echo $e->getMessage(), "\n";
    }
    var_dump($w->$prop);
}
$w->onMessage = fn() => 1;
$w->onMessage = null;
var_dump($w->onMessage);
// A plain (non-callback) dynamic property is not checked.
$w->myData = 'anything';
echo $w->myData, "\n";
?>
--EXPECTF--
Ringmaster\Worker::$onMessage must be a valid callback or null, function "no_such_function" not found or invalid function name
NULL
Ringmaster\Worker::$onConnect must be a valid callback or null, %s
NULL
Ringmaster\Worker::$onClose must be a valid callback or null, %s
NULL
Ringmaster\Worker::$onWorkerStart must be a valid callback or null, class "NoSuchClass" not found
NULL
Ringmaster\Worker::$onBufferFull must be a valid callback or null, %s
NULL
NULL
anything
