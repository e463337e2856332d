#!/bin/sh
# netfault: network faults in the current network namespace, applied with iptables only (this kernel
# has no tc netem). faultline runs it in a sidecar sharing the target's network namespace:
#   docker run -d --network container:<target> --cap-add NET_ADMIN faultline/nettools:1 netfault ...
#
#   netfault latency DELAY_MS JITTER_MS  incoming packets held DELAY_MS +/- JITTER_MS (uniform, never
#                                        reordered) by faultline-delay through NFQUEUE; runs in the
#                                        foreground, the fault lasts as long as the process
#   netfault loss PERCENT                drop PERCENT % of outgoing packets at random (0-100, decimals ok)
#   netfault blackhole [IP[/MASK]...]    drop all traffic, or only traffic to and from the given IPs
#   netfault clear                       remove every fault's rules (whatever is present), exit 0
#   netfault show                        print the rules: iptables -S, then those of table raw
#
# Each fault lives in its own chain (FAULTLINE_DELAY in table raw, FAULTLINE_LOSS and
# FAULTLINE_BLACKHOLE in filter) jumped to from built-in chains, so `clear` removes exactly what was
# added. Loopback is always exempt. A fault that is already active is refused; run `netfault clear`
# first. IPv4 only (iptables, not ip6tables).
#
# Latency holds incoming packets, in raw PREROUTING. That adds DELAY to every round trip just as
# holding outgoing ones would, but:
#  - a packet held in OUTPUT still counts against its socket's TCP Small Queues budget (NFQUEUE does
#    not orphan it, netem does), so a TCP sender with 20 ms of OUTPUT delay moves ~2 segments per
#    20 ms (measured: 50 MB in 189 s instead of 0.6 s);
#  - held before conntrack, a new flow's second packet cannot reach conntrack before its first one
#    is confirmed (held in INPUT, it would clash and be dropped: one lost ping per run).
# The NFQUEUE rule uses --queue-bypass: if faultline-delay is not running (killed, not yet started),
# packets pass undelayed. Released packets go on through conntrack and filter INPUT, so a black
# hole still applies to them.
#
# Loss drops incoming packets, in INPUT: a drop in OUTPUT would be reported to a TCP sender in the
# target, which sends the segment again at once, so TCP would hardly lose anything; a packet lost on
# the way in is lost as in the network, and the peer must retransmit it.
set -eu

QUEUE_NUM=7
DELAY_CHAIN=FAULTLINE_DELAY
LOSS_CHAIN=FAULTLINE_LOSS
BLACKHOLE_CHAIN=FAULTLINE_BLACKHOLE

usage() {
	cat >&2 <<'EOF'
usage: netfault latency DELAY_MS JITTER_MS
       netfault loss PERCENT
       netfault blackhole [IP[/MASK]...]
       netfault clear
       netfault show
EOF
	exit 2
}

die() {
	echo "netfault: $*" >&2
	exit 2
}

ipt() {
	iptables -w "$@"
}

is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
}

# chain_exists TABLE CHAIN
chain_exists() {
	ipt -t "$1" -S "$2" >/dev/null 2>&1
}

# new_chain TABLE CHAIN: creates CHAIN, refusing if the fault is already active.
new_chain() {
	if chain_exists "$1" "$2"; then
		echo "netfault: $2 already exists (fault already active); run 'netfault clear' first" >&2
		exit 1
	fi
	ipt -t "$1" -N "$2"
}

# remove_chain TABLE CHAIN HOOK...: removes the jumps from the HOOKs and CHAIN, whatever exists.
remove_chain() {
	table=$1
	chain=$2
	shift 2
	for hook in "$@"; do
		while ipt -t "$table" -D "$hook" -j "$chain" 2>/dev/null; do
			echo "netfault: removed $table $hook -j $chain"
			removed=1
		done
	done
	if chain_exists "$table" "$chain"; then
		ipt -t "$table" -F "$chain"
		ipt -t "$table" -X "$chain"
		echo "netfault: removed $table chain $chain"
		removed=1
	fi
}

cmd_latency() {
	[ $# -eq 2 ] || die "latency takes DELAY_MS JITTER_MS, e.g. 'netfault latency 100 10'"
	is_uint "$1" || die "DELAY_MS must be a whole number of milliseconds, got '$1'"
	is_uint "$2" || die "JITTER_MS must be a whole number of milliseconds, got '$2'"
	[ "$2" -le "$1" ] || die "JITTER_MS ($2) must not exceed DELAY_MS ($1)"
	new_chain raw "$DELAY_CHAIN"
	ipt -t raw -A "$DELAY_CHAIN" -i lo -j RETURN
	ipt -t raw -A "$DELAY_CHAIN" -j NFQUEUE --queue-num "$QUEUE_NUM" --queue-bypass
	ipt -t raw -I PREROUTING 1 -j "$DELAY_CHAIN"
	exec faultline-delay "$QUEUE_NUM" "$1" "$2"
}

cmd_loss() {
	[ $# -eq 1 ] || die "loss takes PERCENT, e.g. 'netfault loss 30'"
	if ! printf '%s\n' "$1" | grep -q -E '^[0-9]+(\.[0-9]+)?$' ||
		! awk -v p="$1" 'BEGIN { exit !(p <= 100) }'; then
		die "PERCENT must be a number from 0 to 100, got '$1'"
	fi
	probability=$(awk -v p="$1" 'BEGIN { printf "%.6f", p / 100 }')
	new_chain filter "$LOSS_CHAIN"
	ipt -A "$LOSS_CHAIN" -i lo -j RETURN
	ipt -A "$LOSS_CHAIN" -m statistic --mode random --probability "$probability" -j DROP
	ipt -I INPUT 1 -j "$LOSS_CHAIN"
	echo "netfault: dropping $1 % of outgoing packets"
}

cmd_blackhole() {
	for ip in "$@"; do
		case $ip in
		'' | *[!0-9./]*) die "blackhole takes IPv4 addresses (optionally /MASK), got '$ip'" ;;
		esac
	done
	new_chain filter "$BLACKHOLE_CHAIN"
	# The chain serves INPUT and OUTPUT: exempt loopback both ways.
	ipt -A "$BLACKHOLE_CHAIN" -o lo -j RETURN
	ipt -A "$BLACKHOLE_CHAIN" -i lo -j RETURN
	if [ $# -eq 0 ]; then
		ipt -A "$BLACKHOLE_CHAIN" -j DROP
	else
		for ip in "$@"; do
			# In INPUT only -s matches (the destination is us), in OUTPUT only -d.
			ipt -A "$BLACKHOLE_CHAIN" -s "$ip" -j DROP
			ipt -A "$BLACKHOLE_CHAIN" -d "$ip" -j DROP
		done
	fi
	ipt -I INPUT 1 -j "$BLACKHOLE_CHAIN"
	ipt -I OUTPUT 1 -j "$BLACKHOLE_CHAIN"
	if [ $# -eq 0 ]; then
		echo "netfault: dropping all traffic (loopback exempt)"
	else
		echo "netfault: dropping traffic to and from $*"
	fi
}

cmd_clear() {
	[ $# -eq 0 ] || die "clear takes no arguments"
	removed=0
	remove_chain filter "$BLACKHOLE_CHAIN" INPUT OUTPUT
	remove_chain filter "$LOSS_CHAIN" INPUT
	remove_chain raw "$DELAY_CHAIN" PREROUTING
	[ "$removed" -eq 1 ] || echo "netfault: nothing to clear"
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
latency) cmd_latency "$@" ;;
loss) cmd_loss "$@" ;;
blackhole) cmd_blackhole "$@" ;;
clear) cmd_clear "$@" ;;
show)
	[ $# -eq 0 ] || die "show takes no arguments"
	ipt -S
	ipt -t raw -S | grep -v '^-P ' || true
	;;
-h | --help | help) usage ;;
*) die "unknown command '$command' (latency, loss, blackhole, clear, show)" ;;
esac
