# VM test tier (tests/vm/README.md): the current Debian unstable kernel under
# qemu TCG, running tests/vm/guest/test_*.sh.  `make vmtest` runs it alone;
# `make test` runs it as tests/vm/test_vm.sh.

# The fetched kernel: compile BPF against $(VM_CACHE)/vmlinux.btf and
# $(VM_CACHE)/xe.btf (raw BTF, same bytes as the guest's /sys/kernel/btf/*).
# `make vm-kernel` fetches or refreshes it.
VM_CACHE_ROOT := $(or $(MIGSCOPE_VM_CACHE),/var/cache/migscope-vm)
VM_CACHE := $(VM_CACHE_ROOT)/current

.PHONY: vm-kernel
vm-kernel: | $(OUT)/.deps-ok
	$(Q)tests/vm/fetch-kernel.sh >/dev/null

$(VM_CACHE)/vmlinux.btf $(VM_CACHE)/xe.btf: | $(OUT)/.deps-ok
	$(Q)tests/vm/fetch-kernel.sh >/dev/null

vmtest: all
	$(Q)tests/run tests/vm/
