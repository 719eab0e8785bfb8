// A slow disk for one directory (the fault run's --slow-disk): every write or sync of a regular
// file under $CG_SLOW_DISK_DIR first sleeps $CG_SLOW_DISK_US microseconds. LD_PRELOAD it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *dir;
static size_t dir_len;
static useconds_t delay_us;

__attribute__((constructor)) static void init(void) {
    dir = getenv("CG_SLOW_DISK_DIR");
    dir_len = dir ? strlen(dir) : 0;
    const char *us = getenv("CG_SLOW_DISK_US");
    delay_us = us ? (useconds_t)strtoul(us, NULL, 10) : 0;
}

static void slow(int fd) {
    if (!dir_len || !delay_us) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < (ssize_t)dir_len || strncmp(path, dir, dir_len) != 0) return;
    usleep(delay_us);
}

#define NEXT(name) static __typeof__(name) *next_##name; if (!next_##name) next_##name = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t count) { NEXT(write); slow(fd); return next_write(fd, buf, count); }
ssize_t pwrite(int fd, const void *buf, size_t count, off_t off) { NEXT(pwrite); slow(fd); return next_pwrite(fd, buf, count, off); }
ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off) { NEXT(pwrite64); slow(fd); return next_pwrite64(fd, buf, count, off); }
ssize_t writev(int fd, const struct iovec *iov, int cnt) { NEXT(writev); slow(fd); return next_writev(fd, iov, cnt); }
int fsync(int fd) { NEXT(fsync); slow(fd); return next_fsync(fd); }
int fdatasync(int fd) { NEXT(fdatasync); slow(fd); return next_fdatasync(fd); }
