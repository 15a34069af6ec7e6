/* The request deadline: a connection must deliver its whole request (headers and body) within a number of
 * seconds of being accepted, or of its previous response on a keep-alive connection; otherwise it is cut.
 * libmicrohttpd's own connection timeout only measures idleness, so a client that drips one byte a second
 * (slow loris) would keep a connection, and a thread's share of the connection limit, forever.
 *
 * Each connection is tracked from libmicrohttpd's connection notifications (MHD_OPTION_NOTIFY_CONNECTION with
 * deadline_notify); a background thread sweeps the table a few times a second and shuts down the socket of
 * every connection past its deadline that is still receiving. A connection whose request is complete and
 * being answered (a slow handler, a long download) is never cut: the access handler says when a request has
 * been received (deadline_request_received) and the completion callback when it has been answered
 * (deadline_request_done). All functions are safe to call from any of libmicrohttpd's threads. */
#ifndef TUOYU_DEADLINE_H
#define TUOYU_DEADLINE_H
#include <microhttpd.h>
#include <stdbool.h>

/* Start the sweeper with a deadline of secs seconds (1..3600). Call before the daemon starts; false when the
 * thread could not be made. */
bool deadline_start(unsigned secs);
/* Stop and join the sweeper. Call after MHD_stop_daemon, when every connection has been closed. */
void deadline_stop(void);
/* The MHD_NotifyConnectionCallback: tracks a connection from STARTED to CLOSED (libmicrohttpd calls CLOSED
 * before it closes the socket, so a swept socket number always belongs to the tracked connection). Allocates
 * a small entry per connection, freed at CLOSED; on allocation failure the connection is simply not tracked.
 */
void deadline_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);
/* The request on c has arrived entirely: its connection is not cut until the answer has gone out. */
void deadline_request_received(struct MHD_Connection *c);
/* The request on c has ended (answered, or aborted): the next request's deadline starts now. */
void deadline_request_done(struct MHD_Connection *c);
/* How many connections the sweeper has cut since the start. */
unsigned long deadline_cuts(void);

#endif
