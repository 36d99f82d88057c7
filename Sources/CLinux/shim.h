// Linux-only kernel interfaces that the Glibc overlay does not import.
// Header-only: nothing here needs a .c file or a link line.
#ifndef SENTINEL_CLINUX_H
#define SENTINEL_CLINUX_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <pthread.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>

// glibc declares these only under _GNU_SOURCE, which the Glibc module is built without;
// the prototypes below match glibc's exactly.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addr_len, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
extern int memfd_create(const char *name, unsigned int flags);
// MFD_CLOEXEC, from <linux/memfd.h>.
static const unsigned int SENTINEL_MFD_CLOEXEC = 0x0001U;
#endif
