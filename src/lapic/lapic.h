/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migscope lapic: the KVM LAPIC periodic timer monitor.  lapic.c runs it;
 * kvm.c checks KVM and reads its layout; rows.c turns the BPF timer table
 * into per-interval rows; output.c prints them (table, JSON, Perfetto);
 * args.c parses the command line.
 */
#ifndef MIGSCOPE_LAPIC_H
#define MIGSCOPE_LAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "events.h"
#include "hist.h"
#include "json.h"
#include "lapic_abi.h"
#include "ladder.h"
#include "metrics.h"
#include "vm_name.h"

struct lapic_opts {
	pid_t pid;
	double interval_s;
	uint64_t count;		/* intervals, 0: unlimited */
	double duration_s;	/* 0: unlimited */
	bool json;
	const char *perfetto;
	uint64_t alert_lag;
	uint64_t alert_burst;
	const char *rung;
	bool probe_read;	/* force the helper-based reads (cost comparison) */
	const char *metrics;	/* --metrics :PORT */
	const char *metrics_textfile;
};

/* one timer: the last cumulative snapshot and the one before the interval */
struct timer_row {
	uint64_t key;
	struct lapic_vcpu cur;
	struct lapic_vcpu prev;		/* at the start of the interval */
	uint64_t hv_switches;
	uint64_t perfetto_ts;		/* last lag point written */
	int vm;				/* index of its VM within the VMM */
	bool named;
};

struct lapic_run {
	struct lapic_opts o;
	struct lapic_bpf *obj;
	const struct lapic_vcpu *table;	/* the BPF array, mmapped */
	const struct ms_rung *rung;
	struct timer_row *rows;
	size_t nr_rows, cap_rows;
	struct ms_events ev;
	struct ms_pf *pf;
	struct json j;
	uint64_t t0, last_tick;
	uint64_t intervals;
	uint64_t clamp_ev, replay_ev, alert_ev, hv_ev;
	struct om_http http;		/* --metrics, fd -1 if off */
	struct ms_vm_names names;	/* each VMM pid's VM name */
};

/* kvm.c */
int lapic_check_kvm(uint64_t *timer_fn);
int lapic_check_vmm(pid_t pid);
struct lapic_bpf;
struct btf;
int lapic_kvm_offsets(struct lapic_bpf *obj, struct btf *vmlinux);

/* rows.c */
int lapic_map_table(struct lapic_run *r);
void lapic_read_timers(struct lapic_run *r);
void lapic_row_delta(const struct timer_row *row, struct lapic_vcpu *d,
		     struct log2_hist *h);
void lapic_row_total(const struct timer_row *row, struct log2_hist *h);
/* the name of the VM pid runs (lib/vm_name.h), NULL if not known */
const char *lapic_vm_name(struct lapic_run *r, uint32_t pid);
const char *lapic_mode_name(uint32_t mode);

/* output.c */
void lapic_report_interval(struct lapic_run *r, uint64_t now);
void lapic_report_summary(struct lapic_run *r, uint64_t now);
int lapic_on_event(void *ctx, const struct ms_event *e);
void lapic_perfetto_sample(struct lapic_run *r);
void lapic_report_cost(struct lapic_run *r);

/* metrics.c: the per-timer figures for Prometheus and node_exporter */
int lapic_metrics_open(struct lapic_run *r);
/* answer scrapes; at an interval's end (or the run's) refresh the file */
void lapic_metrics_tick(struct lapic_run *r, bool write_file);
void lapic_metrics_close(struct lapic_run *r);

/* args.c: 0 to run, -1 after --help, 2 on a usage error */
int lapic_parse_args(int argc, char **argv, struct lapic_opts *o);

#endif /* MIGSCOPE_LAPIC_H */
