<?php
// A small JSON API over http://: an in-memory list of notes.
//
//   php -d extension=$PWD/modules/ringmaster.so examples/http_json_api.php start      (PORT=8080 by default)
//   curl -s localhost:8080/notes
//   curl -s -H 'Content-Type: application/json' -d '{"text":"buy milk"}' localhost:8080/notes
//   curl -s localhost:8080/notes/1          curl -s -X DELETE localhost:8080/notes/1
//
// The notes live in the worker's memory, so there is one worker: with several, each would
// hold its own list. A real service keeps its state in a database.
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
use Ringmaster\TcpConnection;
use Ringmaster\Worker;

$port = (int)(getenv('PORT') ?: 8080);
$api = new Worker("http://0.0.0.0:$port");
$api->name = 'json-api';
$api->count = 1;

$notes = [];
$nextId = 1;

function json_response(int $status, mixed $data): Response
{
    return new Response($status, ['Content-Type' => 'application/json'],
        json_encode($data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
}

$api->onMessage = function (TcpConnection $conn, Request $req) use (&$notes, &$nextId) {
    $path = rtrim($req->path(), '/');
    $method = $req->method();

    if ($path === '/notes' && $method === 'GET') {
        $conn->send(json_response(200, array_values($notes)));
    } elseif ($path === '/notes' && $method === 'POST') {
        // post() decodes a JSON body (Content-Type: application/json) as well as forms.
        $text = $req->post('text');
        if (!is_string($text) || $text === '') {
            $conn->send(json_response(422, ['error' => 'a non-empty "text" field is required']));
            return;
        }
        $note = ['id' => $nextId++, 'text' => $text, 'created' => date(DATE_ATOM)];
        $notes[$note['id']] = $note;
        $conn->send(json_response(201, $note)->withHeader('Location', "/notes/{$note['id']}"));
    } elseif (preg_match('~^/notes/(\d+)$~', $path, $m)) {
        $id = (int)$m[1];
        if (!isset($notes[$id])) {
            $conn->send(json_response(404, ['error' => "no note $id"]));
        } elseif ($method === 'GET') {
            $conn->send(json_response(200, $notes[$id]));
        } elseif ($method === 'DELETE') {
            unset($notes[$id]);
            $conn->send(new Response(204));
        } else {
            $conn->send(json_response(405, ['error' => "$method not allowed"])->withHeader('Allow', 'GET, DELETE'));
        }
    } elseif ($path === '' || $path === '/health') {
        $conn->send(json_response(200, ['ok' => true, 'pid' => getmypid(), 'notes' => count($notes)]));
    } else {
        $conn->send(json_response(404, ['error' => 'not found', 'path' => $req->path()]));
    }
};

Worker::runAll();
