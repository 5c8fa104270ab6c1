// SPDX-License-Identifier: GPL-2.0
/*
 * lapic-load: real KVM VMs whose in-kernel LAPIC runs a periodic timer, for
 * `migscope lapic` to watch.  No guest code ever runs: KVM_SET_LAPIC starts
 * the timer and the host hrtimer fires at the programmed period anyway.
 *
 * Timers are armed from --timer-cpu (an hrtimer fires on the CPU that armed
 * it); everything else, holding and teardown included, runs on --hold-cpu,
 * so a saturated timer CPU never blocks the way out.  Loads that can starve
 * a CPU are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#define APIC_BASE_MSR		0x1b
#define APIC_BASE_VALUE		0xfee00900ull	/* enabled, BSP, default base */
#define APIC_ID			0x20
#define APIC_SPIV		0xf0
#define APIC_LVTT		0x320
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3e0
#define LVTT_PERIODIC		(1u << 17)
#define TIMER_VECTOR		0xec

/*
 * Measured on a 2-vCPU guest host: one CPU delivered 64 VMs x 5000/s, but
 * 128 such VMs kept it 98% busy and 256 never finished arming (soft
 * lockups).  Stay well inside: total expiries per second on the timer CPU.
 */
#define MAX_RATE_PER_CPU	320000ull
#define MAX_TIMERS		256
#define MAX_DURATION_S		3600
#define EXIT_MARGIN_S		5

struct load {
	unsigned int vms, vcpus;
	uint64_t period_ns, effective_ns;
	uint64_t rearm_ns;		/* 0: never re-armed after arming */
	double duration_s;
	int timer_cpu, hold_cpu;
	int kvm;
	int *vm_fd, *vcpu_fd;
	struct kvm_cpuid2 *cpuid;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* the watchdog: whatever hangs, the process is gone by the deadline */
static void on_alarm(int sig)
{
	static const char msg[] =
		"lapic-load: did not finish within duration + margin; exiting\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static int die(const char *fmt, const char *arg)
{
	fprintf(stderr, "lapic-load: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* KVM raises shorter periodic timers to min_timer_period_us */
static uint64_t min_period_ns(void)
{
	FILE *f = fopen("/sys/module/kvm/parameters/min_timer_period_us", "r");
	unsigned long us = 200;

	if (f) {
		if (fscanf(f, "%lu", &us) != 1)
			us = 200;
		fclose(f);
	}
	return us * 1000ull;
}

static void set_reg(struct kvm_lapic_state *s, unsigned int reg, uint32_t v)
{
	memcpy(&s->regs[reg], &v, sizeof(v));
}

static int get_cpuid(struct load *l)
{
	int n = 256;

	l->cpuid = calloc(1, sizeof(*l->cpuid) + n * sizeof(struct kvm_cpuid_entry2));
	if (!l->cpuid)
		return -ENOMEM;
	l->cpuid->nent = n;
	if (ioctl(l->kvm, KVM_GET_SUPPORTED_CPUID, l->cpuid) < 0)
		return -errno;
	return 0;
}

/* one VM: in-kernel irqchip, one or more vCPUs with a software-enabled APIC */
static int create_vm(struct load *l, unsigned int i)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} msrs = { .hdr.nmsrs = 1, .e.index = APIC_BASE_MSR,
		   .e.data = APIC_BASE_VALUE };
	unsigned int c;
	int vm, vcpu;

	vm = ioctl(l->kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	l->vm_fd[i] = vm;
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return -errno;
	for (c = 0; c < l->vcpus; c++) {
		vcpu = ioctl(vm, KVM_CREATE_VCPU, c);
		if (vcpu < 0)
			return -errno;
		l->vcpu_fd[i * l->vcpus + c] = vcpu;
		if (ioctl(vcpu, KVM_SET_CPUID2, l->cpuid) < 0)
			return -errno;
		/* vCPU 0 is the BSP; the others are APs with the same base */
		msrs.e.data = APIC_BASE_VALUE & ~(c ? 0x100ull : 0);
		if (ioctl(vcpu, KVM_SET_MSRS, &msrs) != 1)
			return -EINVAL;
	}
	return 0;
}

/* start the periodic timer: TMICT counts bus cycles of 1 ns, divide by 1 */
static int arm_vcpu(struct load *l, int vcpu, unsigned int id)
{
	struct kvm_lapic_state s;

	if (ioctl(vcpu, KVM_GET_LAPIC, &s) < 0)
		return -errno;
	set_reg(&s, APIC_ID, id << 24);
	set_reg(&s, APIC_SPIV, 0x1ff);
	set_reg(&s, APIC_TDCR, 0xb);
	set_reg(&s, APIC_LVTT, LVTT_PERIODIC | TIMER_VECTOR);
	set_reg(&s, APIC_TMICT, (uint32_t)l->period_ns);
	if (ioctl(vcpu, KVM_SET_LAPIC, &s) < 0)
		return -errno;
	return 0;
}

/*
 * Re-arm every timer on the timer CPU: odd rounds restore the state as read
 * (KVM_GET_LAPIC reports the remaining count, KVM_SET_LAPIC resumes it),
 * even rounds clear the current count so the timer starts a full period.
 */
static int rearm(struct load *l, unsigned int round)
{
	unsigned int i, n = l->vms * l->vcpus;
	struct kvm_lapic_state s;
	int err = 0;

	if (pin(l->timer_cpu))
		return -errno;
	for (i = 0; i < n && !err; i++) {
		if (ioctl(l->vcpu_fd[i], KVM_GET_LAPIC, &s) < 0) {
			err = -errno;
			break;
		}
		if (!(round & 1))
			set_reg(&s, APIC_TMCCT, 0);
		if (ioctl(l->vcpu_fd[i], KVM_SET_LAPIC, &s) < 0)
			err = -errno;
	}
	if (pin(l->hold_cpu) && !err)
		err = -errno;
	return err;
}

/* until the deadline: sleep, and re-arm when due */
static int hold(struct load *l, uint64_t deadline)
{
	struct timespec ts = { 0, 50 * 1000000 };
	uint64_t next = now_ns() + l->rearm_ns;
	unsigned int round = 0;
	int err;

	if (l->rearm_ns && l->rearm_ns < (uint64_t)ts.tv_nsec)
		ts.tv_nsec = l->rearm_ns;
	while (!stop && now_ns() < deadline) {
		nanosleep(&ts, NULL);
		if (!l->rearm_ns || now_ns() < next)
			continue;
		err = rearm(l, ++round);
		if (err)
			return die("re-arming with KVM_SET_LAPIC failed: %s",
				   strerror(-err));
		next += l->rearm_ns;
	}
	return 0;
}

static void teardown(struct load *l)
{
	unsigned int i;

	/* on the hold CPU: closing the last fd frees the VM and its timers */
	for (i = 0; i < l->vms * l->vcpus; i++)
		if (l->vcpu_fd[i] >= 0)
			close(l->vcpu_fd[i]);
	for (i = 0; i < l->vms; i++)
		if (l->vm_fd[i] >= 0)
			close(l->vm_fd[i]);
}

static int check_load(struct load *l)
{
	uint64_t timers = (uint64_t)l->vms * l->vcpus;
	uint64_t rate = timers * 1000000000ull / l->effective_ns;
	char why[256];

	if (timers > MAX_TIMERS) {
		snprintf(why, sizeof(why), "%llu timers is more than %d",
			 (unsigned long long)timers, MAX_TIMERS);
		return die("refusing the load: %s", why);
	}
	if (rate > MAX_RATE_PER_CPU) {
		snprintf(why, sizeof(why),
			 "%llu timers x %llu ns = %llu expiries/s on CPU %d, above the %llu/s "
			 "one CPU sustains without starving (e.g. 64 VMs x 200 us); "
			 "128 VMs x 200 us kept a CPU 98%% busy and 256 soft-locked it",
			 (unsigned long long)timers,
			 (unsigned long long)l->effective_ns,
			 (unsigned long long)rate, l->timer_cpu,
			 (unsigned long long)MAX_RATE_PER_CPU);
		return die("refusing the load: %s", why);
	}
	return 0;
}

static const char usage[] =
"Usage: lapic-load --vms N [--vcpus M] --period-us P --duration S\n"
"                  [--timer-cpu C] [--hold-cpu C] [--rearm-ms R] [--name N]\n"
"\n"
"Create N KVM VMs with M vCPUs each whose in-kernel LAPIC runs a periodic\n"
"timer of P microseconds (KVM raises it to min_timer_period_us), hold them\n"
"for S seconds and tear them down.  Timers are armed on --timer-cpu (default:\n"
"the last CPU); holding and teardown run on --hold-cpu (default: CPU 0).\n"
"--rearm-ms R re-arms every timer every R ms from outside its callback, as\n"
"a VMM does, alternately restoring the state just read (the remaining count\n"
"is kept) and starting a fresh count (a full period from then).\n"
"--name N names the VMs as QEMU's -name does (N or guest=N[,...]): nothing\n"
"but the command line holds it, where a tool reads a VMM's VM name from.\n"
"Prints one line when every timer is armed:\n"
"  armed vms=N vcpus=M period_ns=EFFECTIVE requested_ns=P timer_cpu=C pid=PID\n";

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse(int argc, char **argv, struct load *l)
{
	static const struct option opts[] = {
		{ "vms", required_argument, NULL, 'n' },
		{ "vcpus", required_argument, NULL, 'm' },
		{ "period-us", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timer-cpu", required_argument, NULL, 't' },
		{ "hold-cpu", required_argument, NULL, 'c' },
		{ "rearm-ms", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v, us = 0;
	char *end;
	int opt;

	l->vcpus = 1;
	l->timer_cpu = ncpu > 1 ? ncpu - 1 : 0;
	l->hold_cpu = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_uint(optarg, 4096, &v) || !v)
				return die("invalid --vms '%s'", optarg);
			l->vms = v;
			break;
		case 'm':
			if (parse_uint(optarg, 256, &v) || !v)
				return die("invalid --vcpus '%s'", optarg);
			l->vcpus = v;
			break;
		case 'p':
			if (parse_uint(optarg, UINT32_MAX / 1000, &us) || !us)
				return die("invalid --period-us '%s' (1 to 4294967)", optarg);
			break;
		case 'd':
			errno = 0;
			l->duration_s = strtod(optarg, &end);
			if (errno || *end || l->duration_s <= 0 ||
			    l->duration_s > MAX_DURATION_S)
				return die("invalid --duration '%s' (seconds, at most 3600)", optarg);
			break;
		case 't':
		case 'c':
			if (parse_uint(optarg, 1023, &v) || (long)v >= ncpu)
				return die("invalid CPU '%s'", optarg);
			if (opt == 't')
				l->timer_cpu = v;
			else
				l->hold_cpu = v;
			break;
		case 'r':
			if (parse_uint(optarg, 60000, &v) || !v)
				return die("invalid --rearm-ms '%s' (1 to 60000)", optarg);
			l->rearm_ns = v * 1000000;
			break;
		case 'N':
			/* read back from /proc/PID/cmdline, as a QEMU's is */
			if (!*optarg)
				return die("%s", "--name needs a name (see --help)");
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return die("unexpected argument '%s'", argv[optind]);
	if (!l->vms || !us || l->duration_s <= 0)
		return die("%s", "--vms, --period-us and --duration are required (see --help)");
	l->period_ns = us * 1000;
	l->effective_ns = l->period_ns < min_period_ns() ? min_period_ns() : l->period_ns;
	return 0;
}

static int setup(struct load *l)
{
	unsigned int i, n = l->vms * l->vcpus;
	int err;

	l->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (l->kvm < 0)
		return die("cannot open /dev/kvm: %s (is KVM available here?)",
			   strerror(errno));
	if (ioctl(l->kvm, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0)
		return die("%s", "KVM has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
	err = get_cpuid(l);
	if (err)
		return die("KVM_GET_SUPPORTED_CPUID failed: %s", strerror(-err));
	l->vm_fd = malloc(l->vms * sizeof(int));
	l->vcpu_fd = malloc(n * sizeof(int));
	if (!l->vm_fd || !l->vcpu_fd)
		return die("%s", "out of memory");
	memset(l->vm_fd, -1, l->vms * sizeof(int));
	memset(l->vcpu_fd, -1, n * sizeof(int));
	for (i = 0; i < l->vms && !stop; i++) {
		err = create_vm(l, i);
		if (err) {
			char what[96];

			snprintf(what, sizeof(what), "VM %u of %u: %s", i + 1,
				 l->vms, strerror(-err));
			return die("creating a KVM VM failed at %s", what);
		}
	}
	return 0;
}

static int arm(struct load *l, uint64_t deadline)
{
	unsigned int i, n = l->vms * l->vcpus;
	int err = 0;

	if (pin(l->timer_cpu))
		return die("cannot run on the timer CPU: %s", strerror(errno));
	for (i = 0; i < n && !stop && now_ns() < deadline; i++) {
		err = arm_vcpu(l, l->vcpu_fd[i], i % l->vcpus);
		if (err)
			break;
	}
	if (pin(l->hold_cpu))
		return die("cannot move back to the hold CPU: %s", strerror(errno));
	if (err)
		return die("KVM_SET_LAPIC failed: %s", strerror(-err));
	if (i < n)
		return die("%s", "arming did not finish within the duration (timer CPU starved?)");
	return 0;
}

int main(int argc, char **argv)
{
	struct load l = { .kvm = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t start, deadline;
	int rc;

	rc = parse(argc, argv, &l);
	if (rc)
		return rc;
	if (check_load(&l))
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGALRM, on_alarm);
	alarm((unsigned int)l.duration_s + 1 + EXIT_MARGIN_S);
	start = now_ns();
	deadline = start + (uint64_t)(l.duration_s * 1e9);
	if (pin(l.hold_cpu))
		return die("cannot run on the hold CPU: %s", strerror(errno));
	rc = setup(&l);
	if (!rc)
		rc = arm(&l, deadline);
	if (!rc) {
		printf("armed vms=%u vcpus=%u period_ns=%llu requested_ns=%llu timer_cpu=%d pid=%d\n",
		       l.vms, l.vcpus, (unsigned long long)l.effective_ns,
		       (unsigned long long)l.period_ns, l.timer_cpu, getpid());
		fflush(stdout);
		/*
		 * The duration counts from the arming (that is what gets
		 * measured), but a slow arming never pushes the exit past
		 * the margin.
		 */
		deadline = now_ns() + (uint64_t)(l.duration_s * 1e9);
		if (deadline > start + (uint64_t)((l.duration_s + EXIT_MARGIN_S - 1) * 1e9))
			deadline = start + (uint64_t)((l.duration_s + EXIT_MARGIN_S - 1) * 1e9);
		rc = hold(&l, deadline);
	}
	if (l.vm_fd)
		teardown(&l);
	if (!rc)
		printf("done vms=%u held_s=%.3f\n", l.vms, (now_ns() - start) / 1e9);
	return rc;
}
