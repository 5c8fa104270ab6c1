# shellcheck shell=sh
# Helpers for tests driving migsim.

# stopped_children PARENT: the pids of migsim --stop's two parked children
# (source, destination), once both exist; none after 30 s, and then the
# parent and any child are let go, so `wait` never hangs on them.
stopped_children() {
	kids=""
	for _ in $(seq 300); do
		kids=$(pgrep -P "$1" | tr '\n' ' ')
		[ "$(echo $kids | wc -w)" -eq 2 ] && break
		sleep 0.1
	done
	if [ "$(echo $kids | wc -w)" -ne 2 ]; then
		kill -CONT $kids 2>/dev/null
		kill "$1" 2>/dev/null
		kids=""
	fi
	echo $kids
}

# wait_attached ERRFILE: wait (up to 60 s) for a migscope tracer writing
# its stderr to ERRFILE to say its probes are attached
wait_attached() {
	for _ in $(seq 600); do
		grep -q 'tracing the model' "$1" && return 0
		sleep 0.1
	done
	return 1
}
