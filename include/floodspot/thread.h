/*
 * Threads and signals. One thread takes signals (the capture thread, via
 * signalfd); every other thread is started with all signals blocked, so
 * SIGHUP or SIGTERM can never land on a writer thread and take the
 * default action (the process killed without a flush).
 */
#ifndef FLOODSPOT_THREAD_H
#define FLOODSPOT_THREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create with every blockable signal blocked in the new thread
 * from its first instruction. Returns 0 or an errno value. */
int fs_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/*
 * For the process, before its first thread: blocks the signals the daemon
 * handles (SIGINT, SIGTERM, SIGHUP, SIGUSR1) in the calling thread, stores
 * them in handled for a signalfd (and undoes an inherited SIG_IGN, which
 * would discard them), and ignores SIGPIPE so a peer that went away
 * (rrdcached, a collector) is an EPIPE, not the end of the process.
 */
void fs_signals_take(sigset_t *handled);

#endif
