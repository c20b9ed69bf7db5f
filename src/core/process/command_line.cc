// `php start.php <verb> [-d] [-g] [--json]`, as Workerman users type it.
#include <stdexcept>

#include "ringmaster/process_tree.h"

namespace ringmaster {

namespace {

bool verb_from(const std::string& word, CommandVerb* out) {
    if (word == "start") *out = CommandVerb::start;
    else if (word == "stop") *out = CommandVerb::stop;
    else if (word == "restart") *out = CommandVerb::restart;
    else if (word == "reload") *out = CommandVerb::reload;
    else if (word == "status") *out = CommandVerb::status;
    else if (word == "connections") *out = CommandVerb::connections;
    else if (word == "help" || word == "-h" || word == "--help") *out = CommandVerb::help;
    else return false;
    return true;
}

}  // namespace

// `args` may start with the script name (PHP's $argv) or directly with the verb: a first
// word that is not a verb is taken as the script.
Command parse_command(const std::vector<std::string>& args) {
    Command cmd;
    size_t i = 0;
    CommandVerb verb;
    if (!args.empty() && !verb_from(args[0], &verb) && args[0].rfind('-', 0) != 0) i = 1;
    if (i >= args.size()) return cmd;  // no verb: help
    if (!verb_from(args[i], &cmd.verb)) {
        throw std::invalid_argument("Unknown command '" + args[i] + "'");
    }
    for (++i; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-d") cmd.daemonize = true;
        else if (a == "-g") cmd.graceful = true;
        else if (a == "--json") cmd.json = true;
        else throw std::invalid_argument("Unknown option '" + a + "'");
    }
    return cmd;
}

std::string usage_text(const std::string& script) {
    return "Usage: php " + script + " <command> [options]\n"
           "Commands:\n"
           "  start        Start the server (-d: as a daemon)\n"
           "  stop         Stop the server (-g: let workers finish without a deadline)\n"
           "  restart      Stop, then start (-d: as a daemon, -g: graceful stop)\n"
           "  reload       Replace every worker with one running the new code, start before\n"
           "               stop (-g: no drain deadline for the old workers)\n"
           "  status       Show every process (--json: as JSON)\n"
           "  connections  List open connections (--json: as JSON)\n";
}

}  // namespace ringmaster
