/* Lock wrappers layered over three translation units:
 *   layered_users.c  -> ledger_lock() / journal_lock()   (layered_module.c)
 *                    -> layered_mutex_lock()            (layered_lowlevel.c)
 *                    -> pthread_mutex_lock
 * The analyzer follows them to a fixed point across TUs. */
#ifndef LAYERED_LOCKS_H
#define LAYERED_LOCKS_H
#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif
void layered_mutex_lock(pthread_mutex_t *m);
void layered_mutex_unlock(pthread_mutex_t *m);
void ledger_lock(void);
void ledger_unlock(void);
void journal_lock(void);
void journal_unlock(void);
void ledger_touch(void); /* locks and unlocks: not an acquire function */
#ifdef __cplusplus
}
#endif
#endif
