// SPDX-License-Identifier: GPL-2.0
/*
 * lapic's outputs: the table per interval and the summary (text or JSON),
 * events through lib/render.h and lib/perfetto_events.h, the lag counters
 * of the Perfetto trace, and the BPF cost per expiry.
 */
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "lapic.h"
#include "perfetto_events.h"
#include "render.h"
#include "summary.h"
#include "lapic.skel.h"

/* --- output -------------------------------------------------------------- */

static void vcpu_json(struct json *j, const struct timer_row *row,
		      const struct lapic_vcpu *d, const struct log2_hist *h,
		      double secs, const char *name)
{
	json_obj_begin(j);
	json_ku64(j, "pid", d->pid);
	json_ku64(j, "vm", row->vm);
	json_kstr_or_null(j, "vm_name", name);
	json_ku64(j, "vcpu", d->vcpu);
	json_kstr(j, "mode", lapic_mode_name(d->mode));
	json_ki64(j, "period_ns", d->period_ns);
	json_ku64(j, "expiries", d->expiries);
	if (secs > 0)
		json_kf64(j, "per_s", d->expiries / secs);
	json_ku64(j, "late", d->late);
	json_ku64(j, "clamped", d->clamped);
	json_ku64(j, "replays", d->replays);
	json_ku64(j, "bursts", d->bursts);
	json_ku64(j, "burst_max", d->burst_max);
	json_ku64(j, "prefix_replays", d->prefix_replays);
	json_ku64(j, "hv_switches", row->hv_switches);
	json_kbool(j, "hv_timer", d->hv);
	json_ku64(j, "alerts", d->alerts);
	json_key(j, "lag_ns");
	json_obj_begin(j);
	json_ku64(j, "p50", log2_hist_percentile(h, 50));
	json_ku64(j, "p99", log2_hist_percentile(h, 99));
	json_ku64(j, "max", h->max);
	json_ku64(j, "mean", h->count ? h->sum / h->count : 0);
	json_obj_end(j);
	json_key(j, "lag_hist");
	log2_hist_json(j, h, "ns");
	json_obj_end(j);
}

static void print_header(void)
{
	printf("%-8s %-3s %-4s %-8s %10s %9s %6s %6s %7s %6s %8s %5s %9s %9s %9s %6s %s\n",
	       "PID", "VM", "VCPU", "MODE", "PERIOD_US", "EXP/S", "LATE",
	       "CLAMP", "REPLAY", "BURST", "PREFIX", "HVSW", "LAG_P50us",
	       "LAG_P99us", "LAG_MAXus", "ALERT", "NAME");
}

static void print_row(const struct timer_row *row, const struct lapic_vcpu *d,
		      const struct log2_hist *h, double secs, const char *name)
{
	printf("%-8u %-3d %-4u %-8s %10.1f %9.1f %6llu %6llu %7llu %6llu %8llu %5llu %9.1f %9.1f %9.1f %6llu %s\n",
	       d->pid, row->vm, d->vcpu, lapic_mode_name(d->mode),
	       d->period_ns / 1000.0, secs > 0 ? d->expiries / secs : 0.0,
	       (unsigned long long)d->late, (unsigned long long)d->clamped,
	       (unsigned long long)d->replays,
	       (unsigned long long)d->burst_max,
	       (unsigned long long)d->prefix_replays,
	       (unsigned long long)row->hv_switches,
	       log2_hist_percentile(h, 50) / 1000.0,
	       log2_hist_percentile(h, 99) / 1000.0, h->max / 1000.0,
	       (unsigned long long)d->alerts, name ? name : "-");
}

static uint64_t drops(struct lapic_run *r)
{
	return ms_events_drops(&r->ev);
}

void lapic_report_interval(struct lapic_run *r, uint64_t now)
{
	double secs = (now - r->last_tick) / 1e9;
	struct lapic_vcpu d;
	struct log2_hist h;
	uint64_t total = 0;
	time_t t = time(NULL);
	const char *name;
	char ts[16];
	size_t i;

	lapic_read_timers(r);
	for (i = 0; i < r->nr_rows; i++)
		total += r->rows[i].cur.expiries - r->rows[i].prev.expiries;
	if (r->o.json) {
		json_obj_begin(&r->j);
		json_kstr(&r->j, "type", "interval");
		json_kf64(&r->j, "t_s", (now - r->t0) / 1e9);
		json_kf64(&r->j, "interval_s", secs);
		json_ku64(&r->j, "expiries", total);
		json_ku64(&r->j, "drops", drops(r));
		json_key(&r->j, "vcpus");
		json_arr_begin(&r->j);
	} else {
		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("\n%s  rung %s  %llu VM timers  %.0f expiries/s  events dropped %llu\n",
		       ts, r->rung->name, (unsigned long long)r->nr_rows,
		       secs > 0 ? total / secs : 0.0,
		       (unsigned long long)drops(r));
		print_header();
	}
	for (i = 0; i < r->nr_rows; i++) {
		struct timer_row *row = &r->rows[i];

		lapic_row_delta(row, &d, &h);
		name = lapic_vm_name(r, d.pid);
		if (r->o.json)
			vcpu_json(&r->j, row, &d, &h, secs, name);
		else
			print_row(row, &d, &h, secs, name);
		row->prev = row->cur;
	}
	if (r->o.json) {
		json_arr_end(&r->j);
		json_obj_end_line(&r->j);
	}
	fflush(stdout);
	r->last_tick = now;
	r->intervals++;
}

void lapic_report_summary(struct lapic_run *r, uint64_t now)
{
	double secs = (now - r->t0) / 1e9;
	struct log2_hist h, all = {};
	uint64_t total = 0;
	size_t i;

	lapic_read_timers(r);
	for (i = 0; i < r->nr_rows; i++)
		total += r->rows[i].cur.expiries;
	if (!r->o.json) {
		printf("\nSummary: %.1f s, rung %s, %llu expiries, %llu clamps, %llu replay bursts, %llu alerts, %llu hv/sw switches, %llu events dropped\n",
		       secs, r->rung->name, (unsigned long long)total,
		       (unsigned long long)r->clamp_ev,
		       (unsigned long long)r->replay_ev,
		       (unsigned long long)r->alert_ev,
		       (unsigned long long)r->hv_ev,
		       (unsigned long long)drops(r));
		print_header();
		for (i = 0; i < r->nr_rows; i++) {
			lapic_row_total(&r->rows[i], &h);
			print_row(&r->rows[i], &r->rows[i].cur, &h, secs,
				  lapic_vm_name(r, r->rows[i].cur.pid));
			log2_hist_merge(&all, &h);
		}
		log2_hist_print(stdout, &all, "lag at expiry, all vCPUs", "ns");
		fflush(stdout);
		return;
	}
	ms_summary_begin(&r->j, "lapic", drops(r));
	json_kstr(&r->j, "rung", r->rung->name);
	json_kf64(&r->j, "duration_s", secs);
	json_ku64(&r->j, "expiries", total);
	json_key(&r->j, "vcpus");
	json_arr_begin(&r->j);
	for (i = 0; i < r->nr_rows; i++) {
		lapic_row_total(&r->rows[i], &h);
		vcpu_json(&r->j, &r->rows[i], &r->rows[i].cur, &h, secs,
			  lapic_vm_name(r, r->rows[i].cur.pid));
	}
	json_arr_end(&r->j);
	json_obj_end_line(&r->j);
	fflush(stdout);
}

/* --- events and the Perfetto trace -------------------------------------- */

int lapic_on_event(void *ctx, const struct ms_event *e)
{
	struct lapic_run *r = ctx;

	if (e->type != MS_EV_LAPIC)
		return 0;
	switch (e->op) {
	case MS_LAPIC_CLAMP: r->clamp_ev++; break;
	case MS_LAPIC_REPLAY: r->replay_ev++; break;
	case MS_LAPIC_ALERT: r->alert_ev++; break;
	case MS_LAPIC_HV_SWITCH: r->hv_ev++; break;
	}
	if (r->o.json)
		ms_event_json_vm(&r->j, e, lapic_vm_name(r, e->pid));
	else if (e->op == MS_LAPIC_ALERT || e->op == MS_LAPIC_REPLAY)
		ms_event_text_vm(stdout, e, r->t0, lapic_vm_name(r, e->pid));
	if (r->pf)
		ms_pf_event(r->pf, e);
	return 0;
}

/* the lag of each vCPU's latest expiry, sampled every poll */
void lapic_perfetto_sample(struct lapic_run *r)
{
	char name[64];
	size_t i;

	lapic_read_timers(r);
	for (i = 0; i < r->nr_rows; i++) {
		struct timer_row *row = &r->rows[i];

		if (row->cur.last_ts == row->perfetto_ts)
			continue;
		if (!row->named) {
			const char *vm = lapic_vm_name(r, row->cur.pid);
			char pname[MS_VM_NAME_LEN + 32];

			if (vm)
				snprintf(pname, sizeof(pname), "%s (VMM %u)",
					 vm, row->cur.pid);
			else
				snprintf(pname, sizeof(pname), "VMM %u",
					 row->cur.pid);
			perfetto_process_name(ms_pf_writer(r->pf),
					      row->cur.pid, pname);
			ms_pf_name_vcpu(r->pf, row->cur.pid, row->cur.vcpu);
			row->named = true;
		}
		snprintf(name, sizeof(name), "vm%d vcpu%u lag", row->vm,
			 row->cur.vcpu);
		perfetto_counter(ms_pf_writer(r->pf), name, row->cur.pid,
				 row->cur.last_ts,
				 "lag_us", row->cur.last_lag / 1000.0);
		row->perfetto_ts = row->cur.last_ts;
	}
}

/* --- cost ---------------------------------------------------------------- */

/* with kernel.bpf_stats_enabled=1: BPF run time per expiry */
void lapic_report_cost(struct lapic_run *r)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct bpf_program *p;
	uint64_t ns = 0, expiries = 0;
	size_t i;

	for (i = 0; i < r->nr_rows; i++)
		expiries += r->rows[i].cur.expiries;
	bpf_object__for_each_program(p, r->obj->obj) {
		if (bpf_program__fd(p) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			continue;
		if (!info.run_cnt)
			continue;
		ms_info("bpf cost: %-20s %10llu runs %8.1f ns/run",
			bpf_program__name(p), (unsigned long long)info.run_cnt,
			(double)info.run_time_ns / info.run_cnt);
		ns += info.run_time_ns;
	}
	if (ns && expiries)
		ms_info("bpf cost: %.1f ns per LAPIC expiry (%llu expiries)",
			(double)ns / expiries, (unsigned long long)expiries);
	else
		ms_info("bpf cost: enable kernel.bpf_stats_enabled=1 to measure it");
}
