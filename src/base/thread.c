/* Threads that never take a signal, and the daemon's signal set. */
#include "floodspot/thread.h"

int fs_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	/* The new thread inherits the mask in force at pthread_create. */
	int rc = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (rc != 0)
		return rc;
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void fs_signals_take(sigset_t *handled)
{
	sigemptyset(handled);
	sigaddset(handled, SIGINT);
	sigaddset(handled, SIGTERM);
	sigaddset(handled, SIGHUP);
	sigaddset(handled, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, handled, NULL);
	/* An ignored signal is discarded before a signalfd can see it, and
	 * nohup or a shell's "&" leave SIGHUP or SIGINT ignored. Blocked, the
	 * default action never runs. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(handled, sig) == 1)
			sigaction(sig, &dfl, NULL);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
}
