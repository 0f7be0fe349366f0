/*
 * A replay driver for the seed's vmid.c, the C side of the speed comparison in the README
 * ("Benchmarks"). Reads a trace (format v1) from stdin with scanf and prints what
 * `vmid replay` prints: "CPU VM VMID" per run and "flush GEN" before the run that caused a
 * rollover, ids in lowercase hex. Written for this benchmark; vmid.c itself is not in this
 * repository: bench/c/build.sh extracts it from the patch and compiles the two together.
 * It checks little: feed it traces that `vmid replay` accepts.
 */
#include "kernelShims.h"

#include <string.h>

#include "vmid.c"

int shim_current_cpu;
int shim_nr_cpus;
unsigned int shim_vmid_bits;

void shim_flush_vm_context(void) {
  printf("flush %llx\n", (unsigned long long)atomic64_read(&vmid_generation));
}

/* Mainline's kvm_arm_vmid_clear_active() (the seed has no put): mark the CPU's slot invalid,
 * an id of idx 0 that a rollover reserves harmlessly and the fast path may replace. */
static void clear_active(void) {
  atomic64_set(this_cpu_ptr(&active_vmids), VMID_FIRST_VERSION);
}

/* struct kvm_vmid per VM number, grown on demand (zeroed: a VM that never ran has id 0). */
static struct kvm_vmid *vms;
static unsigned long vm_capacity;

static struct kvm_vmid *vm_slot(unsigned long vm) {
  if (vm >= vm_capacity) {
    unsigned long capacity = vm_capacity ? vm_capacity : 1024;
    while (capacity <= vm) capacity *= 2;
    vms = realloc(vms, capacity * sizeof(*vms));
    if (vms == NULL) abort();
    memset(vms + vm_capacity, 0, (capacity - vm_capacity) * sizeof(*vms));
    vm_capacity = capacity;
  }
  return &vms[vm];
}

static void fail(const char *what) {
  fprintf(stderr, "replayDriver: %s\n", what);
  exit(2);
}

int main(void) {
  char word[16];
  int cpu;
  unsigned long vm;
  bool started = false;
  shim_nr_cpus = -1;
  while (scanf("%15s", word) == 1) {
    if (word[0] == '#') {
      if (scanf("%*[^\n]") < 0) break;
    } else if (strcmp(word, "run") == 0) {
      if (scanf("%d %lu", &cpu, &vm) != 2) fail("bad run line");
      if (!started) {
        if (shim_vmid_bits == 0 || shim_nr_cpus < 1 || shim_nr_cpus > MAX_CPUS) fail("bad header");
        if (kvm_arm_vmid_alloc_init() != 0) fail("out of memory");
        started = true;
      }
      shim_current_cpu = cpu;
      struct kvm_vmid *slot = vm_slot(vm);
      kvm_arm_vmid_update(slot);
      printf("%d %lu %llx\n", cpu, vm, (unsigned long long)atomic64_read(&slot->id));
    } else if (strcmp(word, "put") == 0) {
      if (scanf("%d", &cpu) != 1) fail("bad put line");
      shim_current_cpu = cpu;
      clear_active();
    } else if (strcmp(word, "bits") == 0) {
      if (scanf("%u", &shim_vmid_bits) != 1) fail("bad bits line");
    } else if (strcmp(word, "cpus") == 0) {
      if (scanf("%d", &shim_nr_cpus) != 1) fail("bad cpus line");
    } else {
      fail("unknown keyword");
    }
  }
  return 0;
}
