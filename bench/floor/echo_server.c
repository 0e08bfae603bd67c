/* The floor: the least a CPAN Bridge server could do. A Unix-socket server that answers each
 * request line with exactly the bytes the daemon sends for test.echo with params {}:
 *     {"id":<id>TAIL\n        TAIL defaults to  ,"success":true,"result":{}}
 * with <id> copied verbatim from the request. bench/run reads the real daemon's answer first and
 * passes its TAIL, so both servers send the same bytes. One forked process per connection, reads
 * in 64 KiB chunks, answers every complete line of a chunk with one write (pipelining works).
 * A bridge.hello request gets a minimal hello result, so a client that greets still works.
 *
 *   cc -O2 -o echo_server echo_server.c && ./echo_server /tmp/floor.sock [TAIL]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static size_t copy_id(const char *line, size_t len, char *out) {
    const char *p = memmem(line, len, "\"id\":", 5), *end = line + len;
    if (!p) { memcpy(out, "null", 4); return 4; }
    p += 5;
    const char *q = p;
    if (q < end && *q == '"') {                 /* string id, escapes included */
        for (q++; q < end && *q != '"'; q++) if (*q == '\\') q++;
        q++;
    } else {
        while (q < end && *q != ',' && *q != '}') q++;
    }
    if (q > end) q = end;
    if (q - p > 256) q = p + 256;               /* keep the reply bounded */
    memcpy(out, p, (size_t)(q - p));
    return (size_t)(q - p);
}

static const char *tail = ",\"success\":true,\"result\":{}}";
static size_t tail_len;

static void serve(int fd) {
    static char in[1 << 16], out[1 << 18];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, in + have, sizeof in - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        have += (size_t)n;
        size_t start = 0, o = 0;
        for (size_t i = 0; i < have; i++) {
            if (in[i] != '\n') continue;
            const char *line = in + start;
            size_t len = i - start;
            int hello = memmem(line, len, "\"hello\"", 7) != NULL;
            o += (size_t)sprintf(out + o, "{\"id\":");
            o += copy_id(line, len, out + o);
            if (hello) {
                o += (size_t)sprintf(out + o,
                    ",\"success\":true,\"result\":{\"protocol\":1,\"daemon_version\":\"floor\",\"pid\":0,\"uid\":0,\"boot_id\":\"floor\",\"mode\":\"daemon\",\"connection_id\":1,\"modules\":[\"test\"]}}\n");
            } else {
                memcpy(out + o, tail, tail_len);
                o += tail_len;
                out[o++] = '\n';
            }
            start = i + 1;
            if (o > sizeof out - 1024) {          /* flush a full buffer */
                if (write(fd, out, o) != (ssize_t)o) return;
                o = 0;
            }
        }
        if (o && write(fd, out, o) != (ssize_t)o) return;
        memmove(in, in + start, have - start);
        have -= start;
        if (have == sizeof in) return;           /* a line longer than the buffer: give up */
    }
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) { fprintf(stderr, "usage: %s SOCKET [TAIL]\n", argv[0]); return 2; }
    if (argc == 3) tail = argv[2];
    tail_len = strlen(tail);
    if (tail_len > 512) { fprintf(stderr, "TAIL too long\n"); return 2; }
    signal(SIGCHLD, SIG_IGN);                    /* children reap themselves */
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(argv[1]) >= sizeof a.sun_path) { fprintf(stderr, "socket path too long\n"); return 2; }
    strcpy(a.sun_path, argv[1]);
    unlink(argv[1]);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 512) < 0) { perror("echo_server"); return 1; }
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
        pid_t pid = fork();
        if (pid == 0) { close(s); serve(c); _exit(0); }
        close(c);
    }
}
