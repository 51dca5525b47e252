// Issue #4: liveness detectors (livelock, starvation, hang watchdog) and the
// contention profile. They sit beside the core detectors and see only the
// slow paths: contended acquisitions, failed try/timed locks, waits, and the
// acquisitions of a lock while it is being watched (see events.h).
//
// The interface the rest of the runtime uses; the detectors' shared state is
// in liveness_internal.h.
#pragma once
#include <cstdint>

#include "common/containers.h"
#include "core/events.h"

namespace interlock {

// Registers the observers and the exit-time profile table. Called once from
// initialize(), after the options are parsed and after the core's atexit
// hook is registered (so the profile table prints before the summary).
void install_liveness_detectors();

// SARIF: appends `,"contentionProfile":[...]` to runs[0].properties when
// profile=1 (nothing otherwise).
void append_liveness_run_properties(Str *out);

// What a thread blocks on, for the hang watchdog and the starvation monitor.
enum class WaitKind : uint8_t { kNone, kMutex, kRwRead, kRwWrite, kCond, kSemaphore, kBarrier, kJoin };

// Blocking points the core does not see (semaphores, barriers, joins): the
// interceptors in runtime/interceptors/{semaphore,barrier,join}.cpp call
// these around the real blocking call. `frame` is the interceptor's
// __builtin_frame_address(0) (the wait's stack is walked from there).
// `target` is the thread joined (kJoin), or 0.
void liveness_wait_begin(ThreadState *t, WaitKind kind, const void *object, uint32_t target_tid, void *frame);
void liveness_wait_end(ThreadState *t);

// pthread_join: the tid of the thread with this pthread_t, if the runtime has
// seen it block (0 otherwise: it never waited, so it is running).
uint32_t liveness_tid_of_pthread(unsigned long pthread_id);

// Misuse: a semaphore or barrier destroyed while threads wait on it.
void liveness_check_destroy(ThreadState *t, WaitKind kind, const void *object, const CallSite &site);
// Misuse: a semaphore or barrier used after its destroy (until its next
// init). `operation` names the call ("sem_post"). One atomic load when no
// semaphore or barrier has been destroyed and not re-initialised.
void liveness_object_created(const void *object);
void liveness_object_destroyed(ThreadState *t, const void *object, const CallSite &site);
void liveness_check_use(ThreadState *t, WaitKind kind, const void *object, const char *operation,
                        const CallSite &site);

}  // namespace interlock
