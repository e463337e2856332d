/*
 * faultline-delay QUEUE_NUM DELAY_MS JITTER_MS
 *
 * Network latency with jitter without tc netem: packets sent to NFQUEUE QUEUE_NUM by iptables are
 * held and released (NF_ACCEPT) DELAY_MS +/- a uniformly random JITTER_MS later. Packets are never
 * reordered: a packet's due time is max(now + delay + jitter, due time of the previous packet), so
 * jitter spreads the gaps between packets rather than swapping them.
 *
 * Only packet metadata is copied to user space. Held packets sit in a bounded FIFO; if it is full a
 * packet is accepted at once (and the kernel queue is fail-open as well), so an overload degrades
 * into less delay, never into loss. Due packets are released with one batch verdict ("accept all up
 * to id N"), which also frees any packet whose queue message was lost to a full socket buffer.
 * On SIGTERM / SIGINT everything still held is accepted before the queue is released (releasing it
 * would drop them). Use the iptables rule with --queue-bypass so packets pass untouched while no
 * process is bound to the queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define FIFO_CAPACITY 65536u          /* held packets; power of two */
#define RCVBUF_BYTES (32 * 1024 * 1024)
#define MAX_READS_PER_ROUND 1024      /* then release what is due before reading on */

struct held {
	uint32_t id;
	int64_t due_ns;
};

static struct held fifo[FIFO_CAPACITY];
static uint32_t fifo_head, fifo_tail; /* free-running; count = tail - head */

static int64_t delay_ns, jitter_ns, last_due_ns;
static uint32_t last_id; /* highest packet id seen; valid when seen_any */
static int seen_any;
static uint64_t rng_state;
static unsigned long long n_held, n_overflow, n_verdict_errors;
static volatile sig_atomic_t stop_signal;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* splitmix64: small, fast, good enough for jitter. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [-jitter_ns, +jitter_ns]. */
static int64_t random_jitter_ns(void)
{
	uint64_t span;

	if (jitter_ns == 0)
		return 0;
	span = 2 * (uint64_t)jitter_ns + 1;
	return (int64_t)(rng_next() % span) - jitter_ns;
}

static void accept_packet(struct nfq_q_handle *qh, uint32_t id)
{
	if (nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL) < 0)
		n_verdict_errors++;
}

/* Accepts every packet still in the kernel queue with an id up to and including `id`. */
static void accept_up_to(struct nfq_q_handle *qh, uint32_t id)
{
	if (nfq_set_verdict_batch(qh, id, NF_ACCEPT) < 0)
		n_verdict_errors++;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	int64_t due;
	uint32_t id;

	(void)msg;
	(void)data;
	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	last_id = id;
	seen_any = 1;

	if (fifo_tail - fifo_head >= FIFO_CAPACITY) {
		n_overflow++;
		accept_packet(qh, id);
		return 0;
	}
	due = now_ns() + delay_ns + random_jitter_ns();
	if (due < last_due_ns)
		due = last_due_ns; /* never overtake the packet before */
	last_due_ns = due;
	fifo[fifo_tail % FIFO_CAPACITY] = (struct held){ .id = id, .due_ns = due };
	fifo_tail++;
	n_held++;
	return 0;
}

/*
 * Accepts every held packet due by `until`; returns the due time of the next one, or -1 if none is
 * held. The FIFO is in packet id order, the order of the kernel's queue, so one batch verdict for
 * the last due id releases exactly the due packets.
 */
static int64_t release_due(struct nfq_q_handle *qh, int64_t until)
{
	int64_t next = -1;
	uint32_t last = 0;
	int any = 0;

	while (fifo_head != fifo_tail) {
		struct held *p = &fifo[fifo_head % FIFO_CAPACITY];

		if (p->due_ns > until) {
			next = p->due_ns;
			break;
		}
		last = p->id;
		any = 1;
		fifo_head++;
	}
	if (any)
		accept_up_to(qh, last);
	return next;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static long parse_number(const char *what, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "faultline-delay: %s must be an integer from 0 to %ld, got '%s'\n", what, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	struct sigaction sa;
	sigset_t blocked, unblocked;
	static char buf[65536];
	long queue_num, delay_ms, jitter_ms;
	int fd, opt;

	if (argc != 4) {
		fprintf(stderr, "usage: faultline-delay QUEUE_NUM DELAY_MS JITTER_MS\n");
		return 2;
	}
	queue_num = parse_number("QUEUE_NUM", argv[1], 65535);
	delay_ms = parse_number("DELAY_MS", argv[2], 600000);
	jitter_ms = parse_number("JITTER_MS", argv[3], 600000);
	delay_ns = (int64_t)delay_ms * 1000000;
	jitter_ns = (int64_t)jitter_ms * 1000000;
	rng_state = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);

	/* Signals are blocked except while waiting in ppoll(), so none is lost between checks. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	h = nfq_open();
	if (h == NULL) {
		perror("faultline-delay: nfq_open");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)queue_num, on_packet, NULL);
	if (qh == NULL) {
		fprintf(stderr, "faultline-delay: cannot bind queue %ld: %s (another process on it? NET_ADMIN?)\n",
			queue_num, strerror(errno));
		nfq_close(h);
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
		perror("faultline-delay: nfq_set_mode");
		nfq_destroy_queue(qh);
		nfq_close(h);
		return 1;
	}
	if (nfq_set_queue_maxlen(qh, FIFO_CAPACITY) < 0)
		perror("faultline-delay: nfq_set_queue_maxlen (continuing)");
	/* Full kernel queue: accept instead of drop. GSO: hand over unsegmented, we do not look inside. */
	if (nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO, NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO) < 0)
		perror("faultline-delay: nfq_set_queue_flags (continuing)");

	fd = nfq_fd(h);
	opt = RCVBUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &opt, sizeof(opt)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt, sizeof(opt)) < 0)
		perror("faultline-delay: SO_RCVBUF (continuing)");
	/* If the socket still overflows, keep going rather than getting ENOBUFS. */
	opt = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &opt, sizeof(opt));

	printf("faultline-delay: queue %ld, delay %ld ms, jitter %ld ms\n", queue_num, delay_ms, jitter_ms);
	fflush(stdout);

	while (!stop_signal) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec timeout, *tp = NULL;
		int64_t next = release_due(qh, now_ns());
		int reads;

		if (next >= 0) {
			int64_t wait = next - now_ns();

			if (wait < 0)
				wait = 0;
			timeout.tv_sec = wait / 1000000000;
			timeout.tv_nsec = wait % 1000000000;
			tp = &timeout;
		}
		if (ppoll(&pfd, 1, tp, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			perror("faultline-delay: ppoll");
			break;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		for (reads = 0; reads < MAX_READS_PER_ROUND; reads++) {
			ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					break;
				if (errno == ENOBUFS)
					continue; /* messages lost; the next batch verdict frees their packets */
				perror("faultline-delay: recv");
				stop_signal = -1;
				break;
			}
			nfq_handle_packet(h, buf, (int)n);
		}
	}

	/*
	 * Accept everything still held: destroying the queue drops what is in it. Read what is pending
	 * first, then one batch verdict for the highest id seen covers the held and the lost alike.
	 */
	for (int reads = 0; reads < (int)FIFO_CAPACITY; reads++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n <= 0)
			break;
		nfq_handle_packet(h, buf, (int)n);
	}
	fifo_head = fifo_tail;
	if (seen_any)
		accept_up_to(qh, last_id);
	nfq_destroy_queue(qh);
	nfq_close(h);
	fprintf(stderr, "faultline-delay: %s; %llu packets delayed, %llu accepted at once (queue full), %llu verdict errors\n",
		stop_signal > 0 ? strsignal(stop_signal) : "error", n_held, n_overflow, n_verdict_errors);
	return stop_signal > 0 ? 0 : 1;
}
