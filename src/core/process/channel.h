// Messages on the SOCK_SEQPACKET channels (master <-> manager, manager <-> worker).
// Wire format: one datagram per message, "VERB" or "VERB payload" in plain text, at most
// kMaxChannelMessage bytes; a file descriptor may ride along (SCM_RIGHTS). Larger payloads
// (status and connection listings) are split into REPLY chunks (see channel_reply.h).
#pragma once

#include <string>

namespace ringmaster {

constexpr size_t kMaxChannelMessage = 64 * 1024;

struct ChannelMessage {
    std::string verb;
    std::string payload;
    int fd = -1;  // received descriptor, owned by the receiver; -1 if none
};

// Sends one message (and `pass_fd` if >= 0). Never raises SIGPIPE. Returns false when the
// peer is gone or the channel is full (non-blocking ends): the caller treats it as lost.
bool channel_send(int channel_fd, const std::string& verb, const std::string& payload = "",
                  int pass_fd = -1);

enum class ChannelRead { message, would_block, closed };

// Reads one message. `closed` on EOF or a hard error.
ChannelRead channel_receive(int channel_fd, ChannelMessage* out);

// Replies too large for one message travel as "REPLY <id> <more:0|1> <chunk>" datagrams of
// at most kReplyChunk bytes of body each; the last one has more=0.
constexpr size_t kReplyChunk = 32 * 1024;
bool channel_send_reply(int channel_fd, unsigned id, const std::string& body);
bool parse_reply_chunk(const std::string& payload, unsigned* id, bool* more, std::string* chunk);

// A SOCK_SEQPACKET socketpair with close-on-exec ends; throws std::system_error.
void make_channel(int ends[2]);

}  // namespace ringmaster
