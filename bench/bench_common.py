# SPDX-License-Identifier: GPL-2.0
"""What every bench item shares: paths, knobs, child processes, machine
and load readings, bpftrace scripts, medians and ratios."""
import glob
import json
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".output", "bench")
BIN = os.path.join(OUT, "bin")
MIGSCOPE = os.path.join(BIN, "migscope")
MIGSIM = os.path.join(BIN, "migsim")
LAPIC_LOAD = os.path.join(BIN, "lapic-load")
SPIN = os.path.join(OUT, "spin")
MEMCPY = os.path.join(OUT, "memcpy_bench")
BPFTRACE_NOISE = re.compile(r"RLIMIT_MEMLOCK|ulimit -l")
# migscope lapic on the tp_btf rung: the expiry program and kvm_hv_timer_state
LAPIC_LINKS = 2


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v not in (None, "") else default


def env_float(name, default):
    v = os.environ.get(name)
    return float(v) if v not in (None, "") else default


class Config:
    def __init__(self):
        q = os.environ.get("BENCH_QUICK") == "1"
        self.quick = q
        only = os.environ.get("BENCH_ONLY", "")
        self.only = set(only.split(",")) if only else None
        # 1. migration overhead: A/B pairs per chunking
        self.mig_vram = os.environ.get("BENCH_MIG_VRAM", "256M" if q else "1G")
        self.mig_pairs = env_int("BENCH_MIG_PAIRS", 1 if q else 5)
        self.mig64_pairs = env_int("BENCH_MIG64K_PAIRS", 1 if q else 5)
        # 2. per-event cost
        # 5: a run of this VM can come out 50% slower for both tracers
        self.evt_pairs = env_int("BENCH_EVT_PAIRS", 1 if q else 5)
        self.evt_vram = os.environ.get("BENCH_EVT_VRAM", "64M" if q else "256M")
        # 3. LAPIC
        self.lapic_vms = [int(x) for x in os.environ.get(
            "BENCH_LAPIC_VMS", "2,32" if q else "2,16,32").split(",")]
        self.lapic_rounds = env_int("BENCH_LAPIC_ROUNDS", 1 if q else 3)
        self.lapic_window = env_float("BENCH_LAPIC_WINDOW", 1.5 if q else 3.0)
        # 4. start-up
        self.start_pairs = env_int("BENCH_START_PAIRS", 2 if q else 5)
        # 5. pipeline
        self.pipe_vram = os.environ.get("BENCH_PIPE_VRAM", "32M" if q else "128M")
        self.pipe_steps = os.environ.get(
            "BENCH_PIPE_STEPS", "64K:64K,4K:4K" if q else
            "256K:256K,64K:64K,16K:16K,4K:4K,4K:1K").split(",")
        self.drop_reps = env_int("BENCH_DROP_REPS", 1 if q else 3)
        # 6. model vs memcpy
        self.copy_pairs = env_int("BENCH_COPY_PAIRS", 1 if q else 3)
        self.copy_vram = os.environ.get("BENCH_COPY_VRAM", "256M" if q else "1G")
        self.copy_chunks = os.environ.get("BENCH_COPY_CHUNKS", "512M,64K").split(",")
        # machine considered busy above this CPU use (%) with the bench idle
        self.busy_pct = env_float("BENCH_BUSY_PCT", 15.0)

    def want(self, item):
        return self.only is None or str(item) in self.only


# --- processes: every child in its own group, all ended on exit -------------

CHILDREN = []


def spawn(argv, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    CHILDREN.append(p)
    return p


def end_group(p, sig=signal.SIGINT, timeout=30):
    """End one child we started (its process group, by id)."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    if p in CHILDREN:
        CHILDREN.remove(p)


def cleanup():
    for p in list(CHILDREN):
        end_group(p, signal.SIGINT, timeout=10)


def run(argv, timeout=300, **kw):
    p = spawn(argv, **kw)
    try:
        out, err = p.communicate(timeout=timeout)
    finally:
        end_group(p, signal.SIGKILL)
    return p.returncode, out, err


def strip_noise(text):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join(l for l in (text or "").splitlines()
                     if not BPFTRACE_NOISE.search(l))


# --- machine state -----------------------------------------------------------

def cpu_times():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu "):
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                return sum(v[:8]), idle
    return 0, 0


def quiet_check(secs=1.0):
    """CPU use of the whole machine while the bench itself sleeps."""
    t0, i0 = cpu_times()
    time.sleep(secs)
    t1, i1 = cpu_times()
    busy = 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))
    with open("/proc/loadavg") as f:
        la = [float(x) for x in f.read().split()[:3]]
    return {"busy_pct": round(busy, 1), "loadavg": la, "t": time.time()}


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    def ver(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except Exception:
            return ""
    return {
        "cpu_model": model, "nproc": os.cpu_count(), "kernel": platform.release(),
        "kernel_version": platform.version(), "mem_bytes": mem,
        "bpftrace": ver(["bpftrace", "--version"]),
        "bpftool": ver(["bpftool", "version"]),
        "git_head": ver(["git", "-C", ROOT, "rev-parse", "HEAD"]),
    }


def loc_irqs(cpu):
    with open("/proc/interrupts") as f:
        for line in f:
            if line.strip().startswith("LOC:"):
                return int(line.split()[1 + cpu])
    return 0


# --- BPF programs of a process, from its own fds (kernel fdinfo) -------------

def bpf_fds(pid):
    """{prog_id: (run_time_ns, run_cnt)} and the number of bpf links."""
    progs, links, perf = {}, 0, 0
    for fd in glob.glob("/proc/%d/fd/*" % pid):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target == "anon_inode:bpf_link":
            links += 1
        elif target == "anon_inode:[perf_event]":
            perf += 1
        elif target == "anon_inode:bpf-prog":
            try:
                with open(fd.replace("/fd/", "/fdinfo/")) as f:
                    info = dict(l.split(":", 1) for l in f if ":" in l)
            except OSError:
                continue
            pid_ = int(info["prog_id"])
            progs[pid_] = (int(info.get("run_time_ns", 0)),
                           int(info.get("run_cnt", 0)))
    return progs, links, perf


def prog_names(ids):
    rc, out, _ = run(["bpftool", "prog", "show", "--json"], timeout=30)
    names = {}
    try:
        for p in json.loads(out):
            if p["id"] in ids:
                names[p["id"]] = p.get("name", "")
    except Exception:
        pass
    return names


def wait_links(p, minimum, settle=0.3, timeout=30):
    """Until process p holds >= minimum bpf links, unchanged for settle s."""
    t_end = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < t_end:
        if p.poll() is not None:
            err = p.stderr.read() if hasattr(p.stderr, "read") else ""
            raise RuntimeError("tracer exited early: %s" % strip_noise(err))
        _, links, _ = bpf_fds(p.pid)
        if links != last:
            last, since = links, time.monotonic()
        elif links >= minimum and time.monotonic() - since >= settle:
            return links
        time.sleep(0.01)
    raise RuntimeError("tracer did not attach in %d s" % timeout)


STAMPS = []		# (time, line) of every line wait_line read


def wait_line(p, pattern, timeout=60, stream="stderr"):
    """Read p's stream until a line matches (bounded by timeout)."""
    f = getattr(p, stream)
    fd = f.fileno()
    buf, lines = b"", []
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            if p.poll() is not None:
                break
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            if p.poll() is not None:
                break
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace")
            lines.append(line)
            STAMPS.append((time.monotonic(), line))
            if re.search(pattern, line):
                return lines
    raise RuntimeError("no line matching %r: %s" % (pattern, "\n".join(
        l for l in lines if not BPFTRACE_NOISE.search(l))[-500:]))


# --- statistics ----------------------------------------------------------------

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(a, b):
    return a / b if a is not None and b else None


# --- USDT probes of the model ---------------------------------------------------

def usdt_sites(binary):
    """{probe name: number of sites} of provider xe."""
    rc, out, _ = run(["readelf", "-n", binary], timeout=30)
    sites, prov = {}, None
    for line in out.decode().splitlines():
        m = re.search(r"Provider: (\S+)", line)
        if m:
            prov = m.group(1)
        m = re.search(r"Name: (\S+)", line)
        if m and prov == "xe":
            sites[m.group(1)] = sites.get(m.group(1), 0) + 1
    return sites


# What the bpftrace side aggregates for each probe: the same summary
# migscope builds (packets per type and op, bytes, ring occupancy, queueing
# time, state times, VRAM copy and read/write latency histograms), kept in
# BPF maps instead of streamed.  bpftrace 0.17 reads USDT arguments 0..5
# only, so packet bytes come from packet_free's size.
BT_PROBES = {
    "packet_alloc": "@pkt_alloc = count();",
    "packet_init": "@pkt[arg4, 0] = count();",
    "packet_init_from_hdr": "@pkt[arg4, 1] = count();",
    "packet_free": "@pkt[arg1, 2] = count(); @pkt_bytes[arg1] = sum(arg2); delete(@q[pid, arg0]);",
    "ring_produce": "@pkt[arg3, 3] = count(); @occ[arg0, arg1] = max(arg4); @q[pid, arg2] = nsecs;",
    "ring_consume": "@pkt[arg3, 4] = count(); $t = @q[pid, arg2]; "
                    "if ($t) { @queue_us = hist((nsecs - $t) / 1000); delete(@q[pid, arg2]); }",
    "state_enter": "@st_in[arg2] = count(); @since[pid, arg0, arg1, arg2] = nsecs;",
    "state_exit": "$t = @since[pid, arg0, arg1, arg2]; "
                  "if ($t) { @st_ns[arg2] = sum(nsecs - $t); delete(@since[pid, arg0, arg1, arg2]); }",
    "vram_copy_begin": "@vb[tid] = nsecs; @vl[tid] = arg4;",
    "vram_copy_end": "$t = @vb[tid]; if ($t) { @vram_us = hist((nsecs - $t) / 1000); "
                     "@vram_bytes = sum(@vl[tid]); @vram_chunks = count(); delete(@vb[tid]); delete(@vl[tid]); }",
    "data_read_entry": "@rd[tid] = nsecs;",
    "data_read_return": "$t = @rd[tid]; if ($t) { @read_us = hist((nsecs - $t) / 1000); "
                        "@read_bytes = sum(arg2); @reads = count(); delete(@rd[tid]); }",
    "data_write_entry": "@wr[tid] = nsecs;",
    "data_write_return": "$t = @wr[tid]; if ($t) { @write_us = hist((nsecs - $t) / 1000); "
                         "@write_bytes = sum(arg2); @writes = count(); delete(@wr[tid]); }",
    "descriptor": "@pkt[1, 5] = count();",
    "trailer": "@pkt[2, 5] = count();",
    "fault_injected": "@faults[arg0, arg5] = count();",
}

# migscope programs that only stash state and emit no event
NO_EVENT_PROGS = {"u_vram_copy_begin", "u_data_read_entry", "u_data_write_entry"}


def bt_trace_script(binary, sites, empty=False):
    """bpftrace on the probes migscope traces; empty: programs that do
    nothing, the floor every tracer of these sites pays (the uprobe, the
    program's call and bpf_stats' own clock reads)"""
    lines = ['BEGIN { printf("ready\\n"); }']
    for name, body in BT_PROBES.items():
        if name in sites:
            lines.append("usdt:%s:xe:%s { %s }" % (binary, name,
                                                   "" if empty else body))
    return "\n".join(lines) + "\n"


def start_bpftrace(script_path, text, pid=None):
    """bpftrace running text (on process pid if given), returned once its
    probes are attached"""
    with open(script_path, "w") as f:
        f.write(text)
    p = spawn(["bpftrace"] + (["-p", str(pid)] if pid else []) + [script_path],
              stdout=subprocess.DEVNULL,
              env=dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1"))
    wait_line(p, "__BPFTRACE_NOTIFY_PROBES_ATTACHED")
    return p


def apic_timer_fn():
    with open("/proc/kallsyms") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "apic_timer_fn":
                return parts[0]
    return None


def bt_lapic_script(fn):
    """The lag histogram migscope lapic keeps: per timer, lag at expiry
    (time of entry - target before the callback), late (>= 1 period) and
    clamps (target advanced by more than a period), entry/exit paired per
    CPU.  Classic tracepoints: bpftrace 0.17 has no tp_btf probe type."""
    return """BEGIN { printf("ready\\n"); }
tracepoint:timer:hrtimer_expire_entry /args->function == 0x%(fn)s/ {
	$kt = (struct kvm_timer *)args->hrtimer;
	@t[cpu] = args->hrtimer;
	@old[cpu] = $kt->target_expiration;
	@now[cpu] = nsecs;
}
tracepoint:timer:hrtimer_expire_exit /@t[cpu] == args->hrtimer/ {
	$kt = (struct kvm_timer *)args->hrtimer;
	$old = @old[cpu];
	$lag = @now[cpu] > $old ? @now[cpu] - $old : 0;
	@lag[args->hrtimer] = hist($lag);
	@expiries[args->hrtimer] = count();
	if ($lag >= $kt->period) { @late[args->hrtimer] = count(); }
	if ($kt->target_expiration - $old > $kt->period) { @clamped[args->hrtimer] = count(); }
	delete(@t[cpu]);
}
""" % {"fn": fn}


# --- the bench ------------------------------------------------------------------


def summary_of(path):
    with open(path) as f:
        for line in f:
            if '"type":"summary"' in line:
                return json.loads(line)
    raise RuntimeError("no summary record in %s" % path)
