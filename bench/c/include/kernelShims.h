/*
 * Userspace stand-ins for the kernel APIs that the seed's arch/arm64/kvm/vmid.c uses, so that
 * the file compiles unchanged into a single-threaded replay driver (replayDriver.c). Written
 * for this benchmark; not kernel code. One thread replays every CPU: a "current CPU" global
 * selects the per-CPU slot, the lock is a no-op and the atomics are plain accesses.
 */
#ifndef VMID_KERNEL_SHIMS_H
#define VMID_KERNEL_SHIMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint64_t u64;
typedef uint32_t u32;

#define MAX_CPUS 4096
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(bits) (((bits) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define GENMASK(h, l) ((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))

/* The driver's state: which CPU is running, how many exist, the VMID width. */
extern int shim_current_cpu;
extern int shim_nr_cpus;
extern unsigned int shim_vmid_bits;
/* Called by kvm_call_hyp(__kvm_flush_vm_context): prints the flush line. */
void shim_flush_vm_context(void);

/* Locks: one thread, nothing to exclude. */
#define DEFINE_RAW_SPINLOCK(name) int name
#define raw_spin_lock_irqsave(lock, flags) ((void)(lock), (void)(flags))
#define raw_spin_unlock_irqrestore(lock, flags) ((void)(lock), (void)(flags))

/* atomic64_t as a plain 64-bit word. */
typedef struct {
  u64 counter;
} atomic64_t;
#define atomic64_read(v) ((v)->counter)
#define atomic64_set(v, i) ((v)->counter = (i))
static inline u64 atomic64_xchg_relaxed(atomic64_t *v, u64 value) {
  u64 old = v->counter;
  v->counter = value;
  return old;
}
static inline u64 atomic64_cmpxchg_relaxed(atomic64_t *v, u64 expected, u64 value) {
  u64 old = v->counter;
  if (old == expected) v->counter = value;
  return old;
}
static inline u64 atomic64_add_return_relaxed(u64 i, atomic64_t *v) {
  v->counter += i;
  return v->counter;
}

/* Per-CPU variables as arrays indexed by CPU. */
#define DEFINE_PER_CPU(type, name) type name[MAX_CPUS]
#define per_cpu(var, cpu) ((var)[cpu])
#define this_cpu_ptr(ptr) (&(*(ptr))[shim_current_cpu])
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < shim_nr_cpus; (cpu)++)
#define num_possible_cpus() ((unsigned long)shim_nr_cpus)

/* Bitmaps of unsigned long words, bit i in word i / 64 at position i % 64. */
static inline void bitmap_clear(unsigned long *map, unsigned int start, unsigned int count) {
  for (unsigned int i = start; i < start + count; i++) map[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
}
static inline void __set_bit(unsigned long i, unsigned long *map) {
  map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
}
static inline bool __test_and_set_bit(unsigned long i, unsigned long *map) {
  unsigned long mask = 1UL << (i % BITS_PER_LONG);
  unsigned long old = map[i / BITS_PER_LONG];
  map[i / BITS_PER_LONG] = old | mask;
  return (old & mask) != 0;
}
static inline unsigned long find_next_zero_bit(const unsigned long *map, unsigned long size,
                                               unsigned long from) {
  if (from >= size) return size;
  unsigned long word = from / BITS_PER_LONG;
  unsigned long free = ~map[word] & (~0UL << (from % BITS_PER_LONG));
  unsigned long last = (size - 1) / BITS_PER_LONG;
  while (free == 0) {
    if (++word > last) return size;
    free = ~map[word];
  }
  unsigned long found = word * BITS_PER_LONG + (unsigned long)__builtin_ctzl(free);
  return found < size ? found : size;
}

/* Allocation, warnings, hypervisor calls. */
#define GFP_KERNEL 0
#define ENOMEM 12
#define kcalloc(n, size, flags) calloc((n), (size))
#define kfree(p) free(p)
#define WARN_ON(condition) \
  ((condition) ? (fprintf(stderr, "WARN_ON: %s\n", #condition), 1) : 0)
#define kvm_call_hyp(function) function()
#define __kvm_flush_vm_context shim_flush_vm_context
#define kvm_get_vmid_bits() shim_vmid_bits

/* The VM's id, as in struct kvm_vmid of the seed's kvm_host.h change. */
struct kvm_vmid {
  atomic64_t id;
};

#endif
