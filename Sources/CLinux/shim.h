// Linux-only kernel interfaces that the Glibc overlay does not import.
// Header-only: nothing here needs a .c file or a link line.
#ifndef SENTINEL_CLINUX_H
#define SENTINEL_CLINUX_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#endif
