# lapic-load: KVM VMs with periodic LAPIC timers, the load `migscope lapic` watches
$(OUT)/lapic-load: $(OUT)/tools/lapic-load/lapic-load.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -static

BINS += $(OUT)/lapic-load
