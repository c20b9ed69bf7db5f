--TEST--
new Worker() with an invalid address or an unknown scheme throws InvalidArgumentException naming the value
--EXTENSIONS--
ringmaster
--FILE--
<?php
use Ringmaster\Worker;

foreach (['127.0.0.1:8080', 'tcp://', 'tcp://127.0.0.1', 'tcp://127.0.0.1:99999', 'tcp://127.0.0.1:abc',
          'nosuchproto://127.0.0.1:8080', 'text://[::1:80'] as $addr) {
    try {
        new Worker($addr);
        echo "$addr: accepted\n";
    } catch (InvalidArgumentException $e) {
        $m = $e->getMessage();
        echo $addr, ': ', str_contains($m, $addr) ? 'names the address' : "does not name the address: $m", "\n";
    }
}
try {
    new Worker('nosuchproto://127.0.0.1:8080');
} catch (InvalidArgumentException $e) {
    echo str_contains($e->getMessage(), "'nosuchproto'") ? "names the scheme\n" : $e->getMessage() . "\n";
}
// Valid forms are accepted.
foreach (['tcp://127.0.0.1:8080', 'text://0.0.0.0:1', 'frame://[::1]:8080', 'unix:///tmp/x.sock'] as $addr) {
    $w = new Worker($addr);
    echo "$addr: {$w->protocol} over {$w->transport}\n";
}
?>
--EXPECT--
127.0.0.1:8080: names the address
tcp://: names the address
tcp://127.0.0.1: names the address
tcp://127.0.0.1:99999: names the address
tcp://127.0.0.1:abc: names the address
nosuchproto://127.0.0.1:8080: names the address
text://[::1:80: names the address
names the scheme
tcp://127.0.0.1:8080: tcp over tcp
text://0.0.0.0:1: text over tcp
frame://[::1]:8080: frame over tcp
unix:///tmp/x.sock: unix over unix
