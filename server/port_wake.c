/*
 * Futex wake-ups for threads that wait on ports
 *
 * Copyright 2026 the wine-lpc authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

/*
 * A thread waiting for a port message can sleep on a word of memory shared
 * with wineserver instead of in a select request: the request that found
 * nothing registers the word, and wineserver bumps it and wakes the futex
 * when the port changes.  That saves the select request and the wake-up
 * through the wait pipe on every wait (docs/fast-path.md).  Each process
 * has one area of words, one per thread, that wineserver maps too.
 *
 * Nothing is lost when a word is written by someone else: the worst is a
 * thread that wakes early and asks wineserver again.  Alertable waits still
 * go through select, since only select delivers user APCs; system APCs,
 * suspension and termination reach a futex sleeper through signals.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
# include <fcntl.h>
# include <limits.h>
# include <sys/mman.h>
# include <sys/syscall.h>
# include <linux/futex.h>
#endif

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"

#include "handle.h"
#include "file.h"
#include "thread.h"
#include "process.h"
#include "request.h"
#include "port_wake.h"

struct wake_slot
{
    struct thread   *thread;       /* its owner, or NULL */
    unsigned int    *word;         /* wineserver's view of its word */
    port_delivery_t *delivery;     /* ... and of its delivery */
    struct list      entry;        /* in the waiters list it is registered on */
    int              kind;         /* PORT_DELIVER_* it takes, or 0 */
    data_size_t      deliver;      /* the longest message data it takes */
    unsigned int     want;         /* PORT_WANT_* */
};

struct wake_area
{
    struct process  *process;      /* not referenced: freed when its last thread ends */
    int              fd;
    char            *base;
    struct wake_slot slots[PORT_WAKE_SLOTS];
};

static void free_area( struct wake_area *area )
{
    unsigned int i;

    for (i = 0; i < PORT_WAKE_SLOTS; i++) list_remove( &area->slots[i].entry );
#ifdef __linux__
    munmap( area->base, PORT_WAKE_SLOTS * PORT_WAKE_STRIDE );
#endif
    close( area->fd );
    area->process->port_wake = NULL;
    free( area );
}

static struct wake_area *create_area( struct process *process )
{
#ifdef __linux__
    struct wake_area *area;
    unsigned int i;

    if (!(area = mem_alloc( sizeof(*area) ))) return NULL;
    area->process = process;
    area->base    = MAP_FAILED;
    /* sealed at its size: the process gets a handle to the file, and wineserver
     * would fault writing into an area the process had shrunk */
    if ((area->fd = memfd_create( "wine-port-wake", MFD_CLOEXEC | MFD_ALLOW_SEALING )) == -1 ||
        ftruncate( area->fd, PORT_WAKE_SLOTS * PORT_WAKE_STRIDE ) == -1 ||
        fcntl( area->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL ) == -1 ||
        (area->base = mmap( NULL, PORT_WAKE_SLOTS * PORT_WAKE_STRIDE, PROT_READ | PROT_WRITE,
                            MAP_SHARED, area->fd, 0 )) == MAP_FAILED)
    {
        file_set_error();
        if (area->fd != -1) close( area->fd );
        free( area );
        return NULL;
    }
    for (i = 0; i < PORT_WAKE_SLOTS; i++)
    {
        area->slots[i].thread = NULL;
        area->slots[i].word     = (unsigned int *)(area->base + i * PORT_WAKE_STRIDE);
        area->slots[i].delivery = (port_delivery_t *)((char *)area->slots[i].word + PORT_DELIVERY_OFFSET);
        list_init( &area->slots[i].entry );
    }
    return process->port_wake = area;
#else
    set_error( STATUS_NOT_SUPPORTED );
    return NULL;
#endif
}

static struct wake_slot *get_slot( struct thread *thread, unsigned int slot )
{
    struct wake_area *area;

    if (!slot || slot > PORT_WAKE_SLOTS || !(area = thread->process->port_wake)) return NULL;
    if (area->slots[slot - 1].thread != thread) return NULL;
    return &area->slots[slot - 1];
}

void port_wake_register( struct list *waiters, unsigned int slot, int kind, data_size_t deliver,
                         unsigned int want )
{
    struct wake_slot *wake = get_slot( current, slot );

    /* a bad slot leaves the thread to wake on its own timeout; it asked for it */
    if (!wake) return;
    list_remove( &wake->entry );
    list_add_tail( waiters, &wake->entry );
    wake->kind    = deliver ? kind : 0;
    wake->deliver = deliver ? min( deliver - 1, PORT_DELIVERY_MAX ) : 0;
    wake->want    = want;
}

static void unregister( struct wake_slot *wake )
{
    list_remove( &wake->entry );
    list_init( &wake->entry );
}

static void wake_slot( struct wake_slot *wake )
{
    unregister( wake );
#ifdef __linux__
    __atomic_add_fetch( wake->word, 1, __ATOMIC_SEQ_CST );
    syscall( __NR_futex, wake->word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0 );
#endif
}

void port_wake_ready( struct list *waiters, int (*ready)( void *arg, struct thread *thread ), void *arg )
{
    struct wake_slot *wake, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wake, next, waiters, struct wake_slot, entry )
        if (ready( arg, wake->thread )) wake_slot( wake );
}

void port_wake_detach( struct list *waiters )
{
    struct wake_slot *wake, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wake, next, waiters, struct wake_slot, entry ) wake_slot( wake );
}

struct wake_slot *port_wake_find( struct list *waiters, struct thread *thread, int kind, data_size_t size )
{
    struct wake_slot *wake;

    LIST_FOR_EACH_ENTRY( wake, waiters, struct wake_slot, entry )
    {
        if (thread && wake->thread != thread) continue;
        if (wake->kind == kind && size <= wake->deliver) return wake;
    }
    return NULL;
}

port_delivery_t *port_wake_delivery( struct wake_slot *wake, unsigned int *want )
{
    *want = wake->want;
    return wake->delivery;
}

void port_wake_deliver( struct wake_slot *wake )
{
    __atomic_store_n( &wake->delivery->delivered, 1, __ATOMIC_RELEASE );
    wake_slot( wake );
}

void port_wake_thread_terminated( struct thread *thread )
{
    struct wake_area *area = thread->process->port_wake;
    struct thread *other;
    unsigned int i;

    if (!area) return;
    for (i = 0; i < PORT_WAKE_SLOTS; i++)
    {
        if (area->slots[i].thread != thread) continue;
        unregister( &area->slots[i] );
        area->slots[i].thread = NULL;
    }
    LIST_FOR_EACH_ENTRY( other, &thread->process->thread_list, struct thread, proc_entry )
        if (other->state != TERMINATED) return;
    free_area( area );
}

/* the thread stopped waiting (a timeout): nothing may be delivered to it any more */
DECL_HANDLER(alpc_cancel_wake)
{
    struct wake_slot *wake = get_slot( current, req->slot );

    if (wake) unregister( wake );
}

/* give the calling thread a word, and its process a file to map the area from */
DECL_HANDLER(alpc_get_wake_slot)
{
    struct wake_area *area = current->process->port_wake;
    struct file *file;
    unsigned int i, free_slot = 0;
    int fd;

    if (!area && !(area = create_area( current->process ))) return;
    for (i = 0; i < PORT_WAKE_SLOTS; i++)
    {
        if (area->slots[i].thread == current) break;
        if (!area->slots[i].thread && !free_slot) free_slot = i + 1;
    }
    if (i == PORT_WAKE_SLOTS)
    {
        if (!free_slot)
        {
            set_error( STATUS_NO_MEMORY );  /* the thread sleeps in select instead */
            return;
        }
        i = free_slot - 1;
        area->slots[i].thread = current;
    }
    if ((fd = dup( area->fd )) == -1)
    {
        file_set_error();
        return;
    }
    if (!(file = create_file_for_fd( fd, FILE_READ_DATA | FILE_WRITE_DATA, 0 ))) return;
    reply->handle = alloc_handle( current->process, file, FILE_READ_DATA | FILE_WRITE_DATA, 0 );
    reply->slot   = i + 1;
    release_object( file );
}
