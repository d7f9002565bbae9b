/*
 * Legacy LPC ports
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

#if 0
#pragma makedep unix
#endif

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/mman.h>
# include <sys/syscall.h>
# include <linux/futex.h>
#endif

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/server.h"
#include "unix_private.h"
#include "port_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(port);

/* fault before the server acts, as Windows' probes of output buffers do: every
 * page, since a read-only or missing one could be anywhere in the buffer */
void port_probe_write( void *ptr, SIZE_T size )
{
    volatile char *p = ptr;
    SIZE_T i;

    if (!ptr || !size) return;
    for (i = 0; i < size; i += page_size - ((ULONG_PTR)(p + i) & (page_size - 1))) p[i] = p[i];
    p[size - 1] = p[size - 1];
}

/* the caller's SID, copied: a bad pointer then faults here, not while the
 * request is written to the server, which would end the thread */
NTSTATUS port_capture_sid( const void *sid, unsigned char buffer[SECURITY_MAX_SID_SIZE], data_size_t *len )
{
    const SID *caller = sid;

    if (caller->Revision != SID_REVISION || caller->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_SID;
    *len = offsetof( SID, SubAuthority[caller->SubAuthorityCount] );
    memcpy( buffer, caller, *len );
    return STATUS_SUCCESS;
}

NTSTATUS port_create( HANDLE *handle, OBJECT_ATTRIBUTES *attr, ULONG info_len,
                      ULONG msg_len, ULONG flags, ULONG dup_types )
{
    struct object_attributes *objattr;
    data_size_t len;
    unsigned int ret;

    TRACE( "(%p,%p,%u,%u,%#x)\n", handle, attr, (int)info_len, (int)msg_len, (int)flags );
    if (!handle) return STATUS_ACCESS_VIOLATION;
    *handle = 0;
    if ((ret = alloc_object_attributes( attr, &objattr, &len ))) return ret;

    SERVER_START_REQ( alpc_create_port )
    {
        req->access       = PORT_ALL_ACCESS;
        req->flags        = flags;
        req->dup_types    = dup_types;
        req->max_msg_len  = msg_len;
        req->max_info_len = info_len;
        wine_server_add_data( req, objattr, len );
        if (!(ret = wine_server_call( req ))) *handle = wine_server_ptr_handle( reply->handle );
    }
    SERVER_END_REQ;
    free( objattr );
    return ret;
}

/* wait on a port until the server has something for this thread */
NTSTATUS port_wait( HANDLE handle, const LARGE_INTEGER *timeout, BOOL alertable )
{
    NTSTATUS status = NtWaitForSingleObject( handle, alertable, timeout );

    if (status == STATUS_WAIT_0) return STATUS_SUCCESS;
    return status;
}

/* The process's area of futex words that wineserver wakes (server/port_wake.c),
 * and the calling thread's word in it: index + 1, or 0 before it asked. */
static char *wake_area;
static __thread unsigned int wake_slot;
static __thread BOOL wake_unavailable;

/* WINE_LPC_FASTPATH=0 makes every port wait sleep in select, as before the fast path */
static BOOL fast_path_enabled(void)
{
    static int enabled = -1;

    if (enabled == -1)
    {
        const char *env = getenv( "WINE_LPC_FASTPATH" );
        enabled = !env || strcmp( env, "0" );
    }
    return enabled;
}

static unsigned int *wake_word( unsigned int slot )
{
    return (unsigned int *)(wake_area + (slot - 1) * PORT_WAKE_STRIDE);
}

static port_delivery_t *wake_delivery( unsigned int slot )
{
    return (port_delivery_t *)((char *)wake_word( slot ) + PORT_DELIVERY_OFFSET);
}

static void map_wake_area( HANDLE handle )
{
#ifdef __linux__
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int fd, needs_close;
    void *ptr;

    pthread_mutex_lock( &lock );
    if (!wake_area && !server_get_unix_fd( handle, 0, &fd, &needs_close, NULL, NULL ))
    {
        ptr = mmap( NULL, PORT_WAKE_SLOTS * PORT_WAKE_STRIDE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0 );
        if (ptr != MAP_FAILED) wake_area = ptr;
        if (needs_close) close( fd );
    }
    pthread_mutex_unlock( &lock );
#endif
}

/* get the thread's futex word to pass as 'wake' in a request that may pend,
 * and its value now; without one (alertable, or the fast path off or not
 * available) the thread sleeps in select */
void port_prepare_sleep( struct port_sleep *sleep, BOOL alertable )
{
    sleep->slot    = 0;
    sleep->seq     = 0;
    sleep->pending = FALSE;
    sleep->spin    = FALSE;
    if (alertable) return;  /* only select delivers user APCs */
    if (!wake_slot && !wake_unavailable)
    {
        HANDLE handle = 0;
        unsigned int slot = 0, status;

        wake_unavailable = TRUE;
        if (!fast_path_enabled()) return;
        SERVER_START_REQ( alpc_get_wake_slot )
        {
            if (!(status = wine_server_call( req )))
            {
                handle = wine_server_ptr_handle( reply->handle );
                slot   = reply->slot;
            }
        }
        SERVER_END_REQ;
        if (handle)
        {
            map_wake_area( handle );
            NtClose( handle );
        }
        if (!wake_area || !slot || slot > PORT_WAKE_SLOTS)
        {
            /* a thread beyond the area's words is expected; anything else is not */
            if (status == STATUS_NO_MEMORY) WARN( "no futex word left: port waits sleep in select\n" );
            else ERR( "no futex word for port waits (%#x): they sleep in select\n", status );
            return;
        }
        wake_slot = slot;
        wake_unavailable = FALSE;
    }
    if (!wake_slot) return;
    sleep->slot = wake_slot;
    /* nothing can be delivered before the request registers the slot */
    if (sleep->deliver) wake_delivery( wake_slot )->delivered = 0;
    sleep->seq  = __atomic_load_n( wake_word( wake_slot ), __ATOMIC_ACQUIRE );
}

/* what the 'deliver' field of a request says for a receive buffer of max_data */
data_size_t port_deliver_room( ULONG max_data )
{
    return min( max_data, PORT_DELIVERY_MAX ) + 1;
}

/* the message wineserver delivered into the thread's slot while it slept: its
 * data and what follows it are copied to 'data', which has room for 'room' */
BOOL port_take_delivery( const struct port_sleep *sleep, struct port_received *info, void *data,
                         data_size_t room )
{
    port_delivery_t *delivery;

    if (!sleep->slot || !sleep->deliver) return FALSE;
    delivery = wake_delivery( sleep->slot );
    if (!__atomic_load_n( &delivery->delivered, __ATOMIC_ACQUIRE )) return FALSE;
    delivery->delivered = 0;
    info->type        = delivery->type;
    info->data_info   = delivery->data_info;
    info->id          = delivery->msg_id;
    info->callback_id = delivery->callback_id;
    info->pid         = delivery->client_pid;
    info->tid         = delivery->client_tid;
    info->context     = delivery->context;
    info->data_size   = min( min( delivery->data_size, PORT_DELIVERY_MAX ), room );
    info->size        = max( info->data_size, min( min( delivery->size, PORT_DELIVERY_MAX ), room ));
    memcpy( data, (char *)wake_word( sleep->slot ) + PORT_DELIVERY_DATA, info->size );
    return TRUE;
}

/* A wait right after sending a small message is short when both sides are
 * busy, and on a virtual machine waking a sleeping thread costs more than such
 * a wait: watch the word for a while first.  bench/ measured 50 us as the
 * shortest spin that pays on two vCPUs; after a large message the spin only
 * takes the CPU from the threads that copy it (the sleep's 'spin' is unset).
 * The spin yields: the peer or wineserver, which it waits for, may be queued
 * on the same CPU, and a busy spin then held them off for its whole length. */
#define PORT_SPIN_NSEC 50000

static BOOL spin_until_bumped( const struct port_sleep *sleep )
{
    static int cpus;
    struct timespec start, now;
    unsigned int *word = wake_word( sleep->slot );

    if (!cpus) cpus = sysconf( _SC_NPROCESSORS_ONLN );
    if (cpus < 2 || !sleep->spin) return FALSE;
    clock_gettime( CLOCK_MONOTONIC, &start );
    do
    {
        if (__atomic_load_n( word, __ATOMIC_ACQUIRE ) != sleep->seq) return TRUE;
        sched_yield();
        clock_gettime( CLOCK_MONOTONIC, &now );
    } while ((now.tv_sec - start.tv_sec) * 1000000000 + now.tv_nsec - start.tv_nsec < PORT_SPIN_NSEC);
    return FALSE;
}

/* forget a registration that will not be slept on, so that nothing is delivered to it */
void port_cancel_sleep( const struct port_sleep *sleep )
{
    if (!sleep || !sleep->pending || !sleep->slot) return;
    SERVER_START_REQ( alpc_cancel_wake )
    {
        req->slot = sleep->slot;
        wine_server_call( req );
    }
    SERVER_END_REQ;
}

/* After a request that registered the word found nothing: sleep until wineserver
 * bumps it, or the absolute timeout; the caller then asks again, or takes what
 * was delivered.  It returns only once the registration is gone, so that
 * nothing is delivered to a thread that no longer waits. */
NTSTATUS port_sleep( HANDLE handle, const struct port_sleep *sleep, const LARGE_INTEGER *timeout,
                     BOOL alertable )
{
#ifdef __linux__
    unsigned int *word;
    struct timespec ts, *pts;

    if (!sleep->slot) return port_wait( handle, timeout, alertable );
    if (spin_until_bumped( sleep )) return STATUS_SUCCESS;
    word = wake_word( sleep->slot );
    for (;;)
    {
        pts = NULL;
        if (timeout)
        {
            LARGE_INTEGER now;
            LONGLONG left;

            NtQuerySystemTime( &now );
            if ((left = timeout->QuadPart - now.QuadPart) <= 0) break;
            ts.tv_sec  = left / 10000000;
            ts.tv_nsec = (left % 10000000) * 100;
            pts = &ts;
        }
        /* a signal (a system APC, a suspension) interrupts the sleep, not the wait */
        if (syscall( __NR_futex, word, FUTEX_WAIT, sleep->seq, pts, NULL, 0 ) == -1 && errno == ETIMEDOUT)
            break;
        if (__atomic_load_n( word, __ATOMIC_ACQUIRE ) != sleep->seq) return STATUS_SUCCESS;
    }
    port_cancel_sleep( sleep );
    /* something may have been delivered before the registration went */
    return __atomic_load_n( word, __ATOMIC_ACQUIRE ) != sleep->seq ? STATUS_SUCCESS : STATUS_TIMEOUT;
#else
    return port_wait( handle, timeout, alertable );
#endif
}

/* relative timeouts are turned into a deadline, since a receive may wait more than once */
const LARGE_INTEGER *port_get_deadline( const LARGE_INTEGER *timeout, LARGE_INTEGER *deadline )
{
    LARGE_INTEGER now;

    if (!timeout || timeout->QuadPart >= 0) return timeout;
    NtQuerySystemTime( &now );
    deadline->QuadPart = now.QuadPart - timeout->QuadPart;
    return deadline;
}

/* the last field is a connection request's ClientViewSize, otherwise the CallbackId */
void port_fill_header( LPC_MESSAGE *msg, USHORT type, USHORT size, USHORT data_info,
                         process_id_t pid, thread_id_t tid, ULONG id, ULONG_PTR callback_id )
{
    msg->DataSize            = size;
    msg->MessageSize         = PORT_HEADER_SIZE + size;
    msg->MessageType         = type;
    msg->VirtualRangesOffset = data_info;
    msg->ClientId.UniqueProcess = ULongToHandle( pid );
    msg->ClientId.UniqueThread  = ULongToHandle( tid );
    msg->MessageId           = id;
    msg->SectionSize         = callback_id;
}

/* what a message sends besides its data, after it in a request */
void port_add_send_attach( void *req, const struct port_attach *attach )
{
    wine_server_add_data( req, &attach->send, sizeof(attach->send) );
    wine_server_add_data( req, attach->handles, attach->send.handle_count * sizeof(port_handle_t) );
}

/* what a received message carries, as wineserver laid it out after the data */
void port_get_recv_attach( struct port_attach *attach, const unsigned char *ptr, data_size_t size )
{
    const port_recv_attach_t *info = (const port_recv_attach_t *)ptr;
    const port_handle_t *handles = (const port_handle_t *)(info + 1);

    attach->received = size >= sizeof(*info) &&
                       info->handle_count <= PORT_MAX_HANDLES && info->sid_len <= sizeof(attach->sid) &&
                       size - sizeof(*info) >= info->handle_count * sizeof(*handles) + info->sid_len;
    if (!attach->received) return;
    attach->recv = *info;
    memcpy( attach->handles, handles, info->handle_count * sizeof(*handles) );
    memcpy( attach->sid, handles + info->handle_count, info->sid_len );
}

/* take the next message, waiting until there is one; a message longer than
 * max_data is truncated, or with RECEIVE_WHOLE left queued and its size returned */
NTSTATUS port_receive_message( HANDLE handle, void **context, LPC_MESSAGE *msg, ULONG max_data,
                               const LARGE_INTEGER *timeout, enum port_receive_mode mode, BOOL alertable,
                               ULONG *needed, struct port_attach *attach, const struct port_sleep *sleep )
{
    struct port_sleep next;
    struct port_received info;
    ULONG room = max_data + (attach ? PORT_RECV_ATTACH_SIZE : 0);
    LARGE_INTEGER deadline;
    unsigned char *data;
    unsigned int ret;

    if (!msg || !(data = malloc( max( room, 1 ))))
    {
        port_cancel_sleep( sleep );
        return msg ? STATUS_NO_MEMORY : STATUS_INVALID_PARAMETER;
    }
    /* an ALPC caller says how large its buffer is; an LPC caller's holds the
     * port's longest message, which is not known here before one arrives */
    port_probe_write( msg, PORT_HEADER_SIZE + (mode == RECEIVE_WHOLE ? max_data : 0) );
    if (context) port_probe_write( context, sizeof(*context) );
    timeout = port_get_deadline( timeout, &deadline );
    /* a reply before may have found the queue empty and registered the thread */
    next = sleep ? *sleep : (struct port_sleep){ 0 };
    for (;;)
    {
        if (next.pending)
        {
            if ((ret = port_sleep( handle, &next, timeout, alertable ))) break;
            if (port_take_delivery( &next, &info, data, room )) goto received;
        }
        memset( &info, 0, sizeof(info) );
        next.deliver = mode == RECEIVE_CONNECTIONS ? 0 : port_deliver_room( max_data );
        port_prepare_sleep( &next, alertable );
        SERVER_START_REQ( alpc_receive_message )
        {
            req->handle           = wine_server_obj_handle( handle );
            req->wake             = next.slot;
            req->deliver          = next.slot ? next.deliver : 0;
            req->max_len          = max_data;
            req->connections_only = mode == RECEIVE_CONNECTIONS;
            req->whole            = mode == RECEIVE_WHOLE;
            req->want             = attach ? attach->want : 0;
            wine_server_set_reply( req, data, room );
            ret = wine_server_call( req );
            if (!ret)
            {
                info.type        = reply->type;
                info.data_info   = reply->data_info;
                info.id          = reply->msg_id;
                info.callback_id = info.type == LPC_MSG_CONNECTION_REQUEST ? reply->view_size : reply->callback_id;
                info.pid         = reply->client_pid;
                info.tid         = reply->client_tid;
                info.context     = reply->context;
                info.data_size   = reply->data_size;
                info.size        = wine_server_reply_size( reply );
            }
            else if (ret == STATUS_BUFFER_TOO_SMALL && needed) *needed = PORT_HEADER_SIZE + reply->total;
        }
        SERVER_END_REQ;
        if (ret == STATUS_PENDING)
        {
            next.pending = TRUE;
            continue;
        }
        if (ret) break;
    received:
        TRACE( "%p: type %u id %u from %04x.%04x, %u bytes\n", handle, (int)info.type, (int)info.id,
               info.pid, info.tid, info.data_size );
        if (attach) port_get_recv_attach( attach, data + info.data_size, info.size - info.data_size );
        port_probe_write( msg, PORT_HEADER_SIZE + info.data_size );
        port_fill_header( msg, info.type, info.data_size, info.data_info, info.pid, info.tid, info.id,
                          info.callback_id );
        memcpy( msg->Data, data, info.data_size );
        if (context) *context = wine_server_get_ptr( info.context );
        ret = STATUS_SUCCESS;
        break;
    }
    free( data );
    return ret;
}

/* the data of a message the caller sends, checked against its header */
static NTSTATUS get_message_data( const LPC_MESSAGE *msg, USHORT *size, USHORT *total, USHORT *data_info )
{
    if (!msg) return STATUS_INVALID_PARAMETER;
    *size      = msg->DataSize;
    *total     = msg->MessageSize;
    *data_info = msg->VirtualRangesOffset;
    return STATUS_SUCCESS;
}

NTSTATUS port_send_message( HANDLE handle, const LPC_MESSAGE *msg, ULONG type, BOOL async,
                            const struct port_attach *attach, ULONG *id, struct port_sleep *sleep )
{
    USHORT size, total, data_info;
    unsigned char data[PORT_MAX_DATA > 0xffff ? 0xffff : PORT_MAX_DATA];
    unsigned int ret;

    if ((ret = get_message_data( msg, &size, &total, &data_info ))) return ret;
    memcpy( data, msg->Data, size );
    if (sleep) port_prepare_sleep( sleep, FALSE );

    SERVER_START_REQ( alpc_send_message )
    {
        req->handle    = wine_server_obj_handle( handle );
        req->type      = type;
        req->async     = async;
        req->data_info = data_info;
        req->total_len = total;
        req->data_size = size;
        req->wake      = sleep ? sleep->slot : 0;
        req->deliver   = sleep && sleep->slot ? sleep->deliver : 0;
        req->deliver_want = attach ? attach->want : 0;
        wine_server_add_data( req, data, size );
        if (attach) port_add_send_attach( req, attach );
        if (!(ret = wine_server_call( req ))) *id = reply->msg_id;
    }
    SERVER_END_REQ;
    if (sleep)
    {
        sleep->pending = !ret && sleep->slot;
        sleep->spin    = size <= PORT_DELIVERY_MAX;
    }
    TRACE( "%p: type %u, %u bytes -> id %u, status %#x\n", handle, (int)type, size, (int)*id, ret );
    return ret;
}


/* NtReadRequestData and NtWriteRequestData: the server finds the entry in its
 * own copy of the request, so the receiver cannot point it elsewhere */
static NTSTATUS request_data( HANDLE handle, LPC_MESSAGE *msg, ULONG index, void *buffer,
                              ULONG size, ULONG *done, BOOL write )
{
    unsigned char *data;
    ULONG id, pid, tid, count = 0;
    unsigned int ret;

    if (!msg) return STATUS_INVALID_PARAMETER;
    id  = msg->MessageId;
    pid = HandleToULong( msg->ClientId.UniqueProcess );
    tid = HandleToULong( msg->ClientId.UniqueThread );
    size = min( size, PORT_MAX_DATA );
    if (!(data = malloc( size + 1 ))) return STATUS_NO_MEMORY;
    if (write) memcpy( data, buffer, size );

    SERVER_START_REQ( alpc_request_data )
    {
        req->handle     = wine_server_obj_handle( handle );
        req->msg_id     = id;
        req->client_pid = pid;
        req->client_tid = tid;
        req->index      = index;
        req->write      = write;
        req->size       = size;
        if (write) wine_server_add_data( req, data, size );
        else wine_server_set_reply( req, data, size );
        if (!(ret = wine_server_call( req ))) count = reply->done;
    }
    SERVER_END_REQ;

    if (!ret && !write) memcpy( buffer, data, count );
    if (!ret && done) *done = count;
    free( data );
    return ret;
}


/***********************************************************************
 *             NtCreatePort (NTDLL.@)
 */
NTSTATUS WINAPI NtCreatePort( HANDLE *handle, OBJECT_ATTRIBUTES *attr, ULONG info_len,
                              ULONG msg_len, ULONG *reserved )
{
    return port_create( handle, attr, info_len, msg_len, ALPC_PORFLG_LPC_MODE, 0 );
}


/***********************************************************************
 *             NtCreateWaitablePort (NTDLL.@)
 */
NTSTATUS WINAPI NtCreateWaitablePort( HANDLE *handle, OBJECT_ATTRIBUTES *attr, ULONG info_len,
                                      ULONG msg_len, ULONG pool_usage )
{
    return port_create( handle, attr, info_len, msg_len, ALPC_PORFLG_LPC_MODE | ALPC_PORFLG_WAITABLE_PORT, 0 );
}


/***********************************************************************
 *             NtConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtConnectPort( HANDLE *handle, UNICODE_STRING *name, SECURITY_QUALITY_OF_SERVICE *qos,
                               LPC_SECTION_WRITE *write, LPC_SECTION_READ *read, ULONG *max_len,
                               void *info, ULONG *info_len )
{
    return NtSecureConnectPort( handle, name, qos, write, NULL, read, max_len, info, info_len );
}


/***********************************************************************
 *             NtSecureConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtSecureConnectPort( HANDLE *handle, UNICODE_STRING *name, SECURITY_QUALITY_OF_SERVICE *qos,
                                     LPC_SECTION_WRITE *write, PSID sid, LPC_SECTION_READ *read,
                                     ULONG *max_len, void *info, ULONG *info_len )
{
    PORT_VIEW *view = (PORT_VIEW *)write;
    REMOTE_PORT_VIEW *server_view = (REMOTE_PORT_VIEW *)read;
    OBJECT_ATTRIBUTES attr;
    struct object_attributes *objattr;
    unsigned char data[PORT_MAX_INFO], sid_copy[SECURITY_MAX_SID_SIZE];
    HANDLE port = 0;
    data_size_t len, size = 0, sid_len;
    void *base = NULL;
    SIZE_T view_size = 0;
    unsigned int ret;

    TRACE( "(%p,%s,%p,%p,%p,%p,%p,%p,%p)\n", handle, debugstr_us(name), qos,
           write, sid, read, max_len, info, info_len );

    if (!handle || !name || !qos) return STATUS_INVALID_PARAMETER;
    /* a refusal, or any failure, leaves NULL there, as on Windows */
    *handle = 0;
    if (view)
    {
        if (view->Length != sizeof(*view)) return STATUS_INVALID_PARAMETER;
        port_probe_write( view, sizeof(*view) );
    }
    if (server_view)
    {
        if (server_view->Length != sizeof(*server_view)) return STATUS_INVALID_PARAMETER;
        port_probe_write( server_view, sizeof(*server_view) );
    }
    if (max_len) port_probe_write( max_len, sizeof(*max_len) );
    if (info_len)
    {
        port_probe_write( info_len, sizeof(*info_len) );
        port_probe_write( info, *info_len );
    }
    sid_len = 0;
    if (sid && (ret = port_capture_sid( sid, sid_copy, &sid_len ))) return ret;
    if (info && info_len) size = min( *info_len, sizeof(data) );
    if (size) memcpy( data, info, size );

    InitializeObjectAttributes( &attr, name, OBJ_CASE_INSENSITIVE, 0, NULL );
    if ((ret = alloc_object_attributes( &attr, &objattr, &len ))) return ret;

    /* the client's view is mapped here first; the server maps it at accept */
    if (view)
    {
        LARGE_INTEGER offset;

        offset.QuadPart = view->SectionOffset;
        view_size = view->ViewSize;
        if ((ret = NtMapViewOfSection( view->SectionHandle, NtCurrentProcess(), &base, 0, 0, &offset,
                                       &view_size, ViewUnmap, 0, PAGE_READWRITE )))
        {
            free( objattr );
            return ret;
        }
    }

    SERVER_START_REQ( alpc_connect_port )
    {
        req->access           = PORT_ALL_ACCESS;
        req->flags            = ALPC_PORFLG_LPC_MODE;
        req->imp_level        = qos->ImpersonationLevel;
        req->info_size        = size;
        req->sid_len          = sid_len;
        req->section          = wine_server_obj_handle( view ? view->SectionHandle : 0 );
        req->view_offset      = view ? view->SectionOffset : 0;
        req->view_size        = view_size;
        req->view_base        = wine_server_client_ptr( base );
        req->options          = (server_view ? PORT_CONNECT_SERVER_VIEW : 0) |
                                (qos->ContextTrackingMode == SECURITY_DYNAMIC_TRACKING ? PORT_CONNECT_DYNAMIC : 0);
        wine_server_add_data( req, objattr, len );
        wine_server_add_data( req, sid_copy, sid_len );
        wine_server_add_data( req, data, size );
        if (!(ret = wine_server_call( req ))) port = wine_server_ptr_handle( reply->handle );
    }
    SERVER_END_REQ;
    free( objattr );

    while (!ret)
    {
        client_ptr_t remote_base = 0, server_base = 0;
        mem_size_t server_size = 0;
        ULONG max = 0;

        SERVER_START_REQ( alpc_connect_result )
        {
            req->handle = wine_server_obj_handle( port );
            wine_server_set_reply( req, data, sizeof(data) );
            if (!(ret = wine_server_call( req )))
            {
                max = reply->max_msg_len;
                remote_base = reply->remote_base;
                server_base = reply->server_view_base;
                server_size = reply->server_view_size;
                size = reply->info_size;
            }
        }
        SERVER_END_REQ;

        if (!ret)
        {
            if (max_len) *max_len = max;
            if (info && info_len)
            {
                size = min( size, *info_len );
                memcpy( info, data, size );
                *info_len = size;
            }
            if (view)
            {
                view->ViewBase       = base;
                view->ViewSize       = view_size;
                view->ViewRemoteBase = wine_server_get_ptr( remote_base );
            }
            if (server_view)
            {
                server_view->ViewBase = wine_server_get_ptr( server_base );
                server_view->ViewSize = server_size;
            }
            *handle = port;
            return STATUS_SUCCESS;
        }
        if (ret != STATUS_PENDING) break;
        ret = port_wait( port, NULL, FALSE );
    }
    if (port) NtClose( port );
    if (base) NtUnmapViewOfSection( NtCurrentProcess(), base );
    return ret;
}


/***********************************************************************
 *             NtListenPort (NTDLL.@)
 */
NTSTATUS WINAPI NtListenPort( HANDLE handle, LPC_MESSAGE *msg )
{
    TRACE( "(%p,%p)\n", handle, msg );
    return port_receive_message( handle, NULL, msg, PORT_MAX_DATA, NULL, RECEIVE_CONNECTIONS, FALSE, NULL, NULL,
                                 NULL );
}


/***********************************************************************
 *             NtAcceptConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAcceptConnectPort( HANDLE *handle, void *context, LPC_MESSAGE *msg, BOOLEAN accept,
                                     LPC_SECTION_WRITE *write, LPC_SECTION_READ *read )
{
    PORT_VIEW *view = (PORT_VIEW *)write;
    REMOTE_PORT_VIEW *client_view = (REMOTE_PORT_VIEW *)read;
    unsigned char data[PORT_MAX_INFO];
    USHORT size, total, data_info;
    ULONG id, pid, tid;
    HANDLE port = 0, section = 0, process = 0;
    void *client_base = NULL, *server_base = NULL, *remote_base = NULL;
    SIZE_T client_size = 0, server_size = 0, remote_size;
    LARGE_INTEGER offset;
    unsigned int ret;

    TRACE( "(%p,%p,%p,%d,%p,%p)\n", handle, context, msg, accept, write, read );

    if (accept && !handle) return STATUS_INVALID_PARAMETER;
    /* a refusal, or any failure, leaves NULL there, as on Windows */
    if (handle) *handle = 0;
    if ((ret = get_message_data( msg, &size, &total, &data_info ))) return ret;
    size = min( size, sizeof(data) );
    memcpy( data, msg->Data, size );
    id  = msg->MessageId;
    pid = HandleToULong( msg->ClientId.UniqueProcess );
    tid = HandleToULong( msg->ClientId.UniqueThread );
    if (!accept) view = NULL, client_view = NULL;
    if (view)
    {
        if (view->Length != sizeof(*view)) return STATUS_INVALID_PARAMETER;
        port_probe_write( view, sizeof(*view) );
    }
    if (client_view)
    {
        if (client_view->Length != sizeof(*client_view)) return STATUS_INVALID_PARAMETER;
        port_probe_write( client_view, sizeof(*client_view) );
    }

    /* the server's own view first, so that a bad section fails before anything is decided */
    if (view)
    {
        offset.QuadPart = view->SectionOffset;
        server_size = view->ViewSize;
        if ((ret = NtMapViewOfSection( view->SectionHandle, NtCurrentProcess(), &server_base, 0, 0, &offset,
                                       &server_size, ViewUnmap, 0, PAGE_READWRITE )))
            return ret;
    }

    SERVER_START_REQ( alpc_accept_connect )
    {
        req->access      = PORT_ALL_ACCESS;
        req->context     = wine_server_client_ptr( context );
        req->msg_id      = id;
        req->client_pid  = pid;
        req->client_tid  = tid;
        req->accept      = accept;
        req->server_view = view != NULL;
        req->info_size   = size;
        wine_server_add_data( req, data, size );
        if (!(ret = wine_server_call( req )))
        {
            port        = wine_server_ptr_handle( reply->handle );
            section     = wine_server_ptr_handle( reply->section );
            process     = wine_server_ptr_handle( reply->process );
            offset.QuadPart = reply->view_offset;
            client_size = reply->view_size;
        }
    }
    SERVER_END_REQ;

    if (!ret && section)
    {
        ret = NtMapViewOfSection( section, NtCurrentProcess(), &client_base, 0, 0, &offset,
                                  &client_size, ViewUnmap, 0, PAGE_READWRITE );
        NtClose( section );
    }
    if (!ret && process)
    {
        offset.QuadPart = view->SectionOffset;
        remote_size = server_size;
        ret = NtMapViewOfSection( view->SectionHandle, process, &remote_base, 0, 0, &offset,
                                  &remote_size, ViewUnmap, 0, PAGE_READWRITE );
    }
    if (!ret && (client_base || server_base))
    {
        SERVER_START_REQ( alpc_accept_views )
        {
            req->handle        = wine_server_obj_handle( port );
            req->client_view   = wine_server_client_ptr( client_base );
            req->server_view   = wine_server_client_ptr( server_base );
            req->server_remote = wine_server_client_ptr( remote_base );
            req->server_size   = server_size;
            ret = wine_server_call( req );
        }
        SERVER_END_REQ;
    }
    if (ret)
    {
        /* closing the server port refuses the client */
        if (remote_base) NtUnmapViewOfSection( process, remote_base );
        if (client_base) NtUnmapViewOfSection( NtCurrentProcess(), client_base );
        if (server_base) NtUnmapViewOfSection( NtCurrentProcess(), server_base );
        if (port) NtClose( port );
        port = 0;
    }
    if (process) NtClose( process );
    if (ret || !accept) return ret;

    if (view)
    {
        view->ViewBase       = server_base;
        view->ViewSize       = server_size;
        view->ViewRemoteBase = remote_base;
    }
    if (client_view)
    {
        client_view->ViewBase = client_base;
        client_view->ViewSize = client_base ? client_size : 0;
    }
    *handle = port;
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtCompleteConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtCompleteConnectPort( HANDLE handle )
{
    unsigned int ret;

    TRACE( "(%p)\n", handle );
    SERVER_START_REQ( alpc_complete_connect )
    {
        req->handle = wine_server_obj_handle( handle );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtRequestPort (NTDLL.@)
 */
NTSTATUS WINAPI NtRequestPort( HANDLE handle, LPC_MESSAGE *msg )
{
    ULONG id;

    TRACE( "(%p,%p)\n", handle, msg );
    return port_send_message( handle, msg, LPC_MSG_DATAGRAM, FALSE, NULL, &id, NULL );
}


/* wait for the reply to the thread's request on a port, or for a callback to answer */
/* a reply longer than max_data is lost: STATUS_BUFFER_TOO_SMALL */
NTSTATUS port_wait_reply( HANDLE handle, ULONG id, LPC_MESSAGE *msg_out, ULONG max_data,
                          const LARGE_INTEGER *timeout, struct port_attach *attach,
                          const struct port_sleep *sleep )
{
    struct port_sleep next;
    struct port_received info;
    LARGE_INTEGER deadline;
    ULONG room = PORT_MAX_DATA + (attach ? PORT_RECV_ATTACH_SIZE : 0);
    unsigned char *data;
    unsigned int ret;

    if (!(data = malloc( room )))
    {
        port_cancel_sleep( sleep );
        return STATUS_NO_MEMORY;
    }
    timeout = port_get_deadline( timeout, &deadline );
    /* the send may have registered the thread: then it sleeps before asking */
    next = sleep ? *sleep : (struct port_sleep){ 0 };
    for (;;)
    {
        if (next.pending)
        {
            if ((ret = port_sleep( handle, &next, timeout, FALSE ))) break;
            if (port_take_delivery( &next, &info, data, room )) goto received;
        }
        memset( &info, 0, sizeof(info) );
        next.deliver = port_deliver_room( max_data );
        port_prepare_sleep( &next, FALSE );
        SERVER_START_REQ( alpc_get_reply )
        {
            req->handle  = wine_server_obj_handle( handle );
            req->msg_id  = id;
            req->want    = attach ? attach->want : 0;
            req->wake    = next.slot;
            req->deliver = next.slot ? next.deliver : 0;
            wine_server_set_reply( req, data, room );
            if (!(ret = wine_server_call( req )))
            {
                info.type        = reply->type;
                info.id          = reply->msg_id;
                info.callback_id = reply->callback_id;
                info.pid         = reply->client_pid;
                info.tid         = reply->client_tid;
                info.data_size   = reply->data_size;
                info.size        = wine_server_reply_size( reply );
            }
        }
        SERVER_END_REQ;
        if (ret == STATUS_PENDING)
        {
            next.pending = TRUE;
            continue;
        }
        if (ret) break;
    received:
        if (attach) port_get_recv_attach( attach, data + info.data_size, info.size - info.data_size );
        if (info.data_size > max_data)
        {
            ret = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        port_fill_header( msg_out, info.type, info.data_size, 0, info.pid, info.tid, info.id, info.callback_id );
        memcpy( msg_out->Data, data, info.data_size );
        ret = STATUS_SUCCESS;
        break;
    }
    if (ret == STATUS_TIMEOUT)
    {
        /* the request is withdrawn; a late reply finds nobody */
        SERVER_START_REQ( alpc_cancel_message )
        {
            req->handle = wine_server_obj_handle( handle );
            req->msg_id = id;
            wine_server_call( req );
        }
        SERVER_END_REQ;
    }
    free( data );
    return ret;
}

/* a server's request to a client that waits in NtRequestWaitReplyPort */
static NTSTATUS send_callback( HANDLE handle, const LPC_MESSAGE *msg, ULONG *id )
{
    unsigned char data[0xffff];
    USHORT size, total, data_info;
    ULONG pid, tid;
    unsigned int ret;

    if ((ret = get_message_data( msg, &size, &total, &data_info ))) return ret;
    memcpy( data, msg->Data, size );
    *id = msg->MessageId;
    pid = HandleToULong( msg->ClientId.UniqueProcess );
    tid = HandleToULong( msg->ClientId.UniqueThread );

    SERVER_START_REQ( alpc_send_callback )
    {
        req->handle     = wine_server_obj_handle( handle );
        req->msg_id     = *id;
        req->client_pid = pid;
        req->client_tid = tid;
        req->total_len  = total;
        wine_server_add_data( req, data, size );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtRequestWaitReplyPort (NTDLL.@)
 */
NTSTATUS WINAPI NtRequestWaitReplyPort( HANDLE handle, LPC_MESSAGE *msg_in, LPC_MESSAGE *msg_out )
{
    struct port_sleep sleep = { 0 };
    unsigned int ret;
    ULONG id = 0;

    TRACE( "(%p,%p,%p)\n", handle, msg_in, msg_out );
    if (!msg_in || !msg_out) return STATUS_INVALID_PARAMETER;
    port_probe_write( msg_out, PORT_HEADER_SIZE );
    switch (msg_in->MessageType & 0xff)
    {
    case 0:
        sleep.deliver = port_deliver_room( PORT_MAX_DATA );
        ret = port_send_message( handle, msg_in, LPC_MSG_REQUEST, FALSE, NULL, &id, &sleep );
        break;
    case LPC_MSG_REQUEST:  /* a callback to the sender of a request */
        ret = send_callback( handle, msg_in, &id );
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    if (ret) return ret;
    return port_wait_reply( handle, id, msg_out, PORT_MAX_DATA, NULL, NULL, &sleep );
}


/***********************************************************************
 *             NtReplyPort (NTDLL.@)
 */
NTSTATUS WINAPI NtReplyPort( HANDLE handle, LPC_MESSAGE *reply_msg )
{
    TRACE( "(%p,%p)\n", handle, reply_msg );
    return port_reply_message( handle, reply_msg, NULL, NULL );
}

/* a reply, with what an ALPC reply carries besides data */
NTSTATUS port_reply_message( HANDLE handle, const LPC_MESSAGE *reply_msg, const struct port_attach *attach,
                             struct port_sleep *sleep )
{
    unsigned char data[0xffff];
    USHORT size, total, data_info;
    ULONG id, callback_id, pid, tid;
    void *unmap = NULL;
    unsigned int ret;

    if ((ret = get_message_data( reply_msg, &size, &total, &data_info ))) return ret;
    memcpy( data, reply_msg->Data, size );
    id  = reply_msg->MessageId;
    callback_id = reply_msg->SectionSize;
    pid = HandleToULong( reply_msg->ClientId.UniqueProcess );
    tid = HandleToULong( reply_msg->ClientId.UniqueThread );
    if (!id) return STATUS_INVALID_PARAMETER;
    if (sleep) port_prepare_sleep( sleep, FALSE );

    SERVER_START_REQ( alpc_reply_message )
    {
        req->handle     = wine_server_obj_handle( handle );
        req->msg_id      = id;
        req->callback_id = callback_id;
        req->client_pid  = pid;
        req->client_tid  = tid;
        req->total_len   = total;
        req->data_size   = size;
        req->wake        = sleep ? sleep->slot : 0;
        req->deliver     = sleep && sleep->slot ? sleep->deliver : 0;
        req->deliver_want = attach ? attach->want : 0;
        wine_server_add_data( req, data, size );
        if (attach) port_add_send_attach( req, attach );
        ret = wine_server_call( req );
        if (sleep)
        {
            sleep->pending = !ret && reply->pending;
            sleep->spin    = size <= PORT_DELIVERY_MAX;
        }
        unmap = wine_server_get_ptr( reply->unmap );
    }
    SERVER_END_REQ;
    /* ALPC_VIEWFLG_UNMAP_EXISTING: wineserver forgot the view of the message answered */
    if (unmap) NtUnmapViewOfSection( NtCurrentProcess(), unmap );
    TRACE( "%p: reply to %u/%u -> %#x\n", handle, (int)id, (int)callback_id, ret );
    return ret;
}


/***********************************************************************
 *             NtReplyWaitReceivePort (NTDLL.@)
 */
NTSTATUS WINAPI NtReplyWaitReceivePort( HANDLE handle, void **context, LPC_MESSAGE *reply, LPC_MESSAGE *msg )
{
    return NtReplyWaitReceivePortEx( handle, context, (PORT_MESSAGE *)reply,
                                     (PORT_MESSAGE *)msg, NULL );
}


/***********************************************************************
 *             NtReplyWaitReceivePortEx (NTDLL.@)
 */
NTSTATUS WINAPI NtReplyWaitReceivePortEx( HANDLE handle, void **context, PORT_MESSAGE *reply,
                                          PORT_MESSAGE *msg, LARGE_INTEGER *timeout )
{
    struct port_sleep sleep = { 0 };
    NTSTATUS status;

    TRACE( "(%p,%p,%p,%p,%p)\n", handle, context, reply, msg, timeout );
    if (!msg) return STATUS_INVALID_PARAMETER;
    port_probe_write( msg, PORT_HEADER_SIZE );
    sleep.deliver = port_deliver_room( PORT_MAX_DATA );
    if (reply && (status = port_reply_message( handle, (LPC_MESSAGE *)reply, NULL, &sleep ))) return status;
    return port_receive_message( handle, context, (LPC_MESSAGE *)msg, PORT_MAX_DATA, timeout, RECEIVE_ANY,
                                 FALSE, NULL, NULL, &sleep );
}


/***********************************************************************
 *             NtReplyWaitReplyPort (NTDLL.@)
 */
NTSTATUS WINAPI NtReplyWaitReplyPort( HANDLE handle, LPC_MESSAGE *reply )
{
    NTSTATUS status;

    TRACE( "(%p,%p)\n", handle, reply );
    if (!reply) return STATUS_INVALID_PARAMETER;
    port_probe_write( reply, PORT_HEADER_SIZE );
    if ((status = NtReplyPort( handle, reply ))) return status;
    /* then wait for the reply to the request this thread sent through the port */
    return port_wait_reply( handle, 0, reply, PORT_MAX_DATA, NULL, NULL, NULL );
}


/***********************************************************************
 *             NtReadRequestData (NTDLL.@)
 */
NTSTATUS WINAPI NtReadRequestData( HANDLE handle, LPC_MESSAGE *msg, ULONG index, void *buffer,
                                   ULONG size, ULONG *read )
{
    TRACE( "(%p,%p,%u,%p,%u,%p)\n", handle, msg, (int)index, buffer, (int)size, read );
    return request_data( handle, msg, index, buffer, size, read, FALSE );
}


/***********************************************************************
 *             NtWriteRequestData (NTDLL.@)
 */
NTSTATUS WINAPI NtWriteRequestData( HANDLE handle, LPC_MESSAGE *msg, ULONG index, void *buffer,
                                    ULONG size, ULONG *written )
{
    TRACE( "(%p,%p,%u,%p,%u,%p)\n", handle, msg, (int)index, buffer, (int)size, written );
    return request_data( handle, msg, index, buffer, size, written, TRUE );
}


/***********************************************************************
 *             NtImpersonateClientOfPort (NTDLL.@)
 */
NTSTATUS WINAPI NtImpersonateClientOfPort( HANDLE handle, PORT_MESSAGE *msg )
{
    LPC_MESSAGE *lpc = (LPC_MESSAGE *)msg;
    ULONG id, pid, tid;
    unsigned int ret;

    TRACE( "(%p,%p)\n", handle, msg );
    if (!msg) return STATUS_INVALID_PARAMETER;
    id  = lpc->MessageId;
    pid = HandleToULong( lpc->ClientId.UniqueProcess );
    tid = HandleToULong( lpc->ClientId.UniqueThread );

    SERVER_START_REQ( alpc_impersonate_client )
    {
        req->handle     = wine_server_obj_handle( handle );
        req->msg_id     = id;
        req->client_pid = pid;
        req->client_tid = tid;
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtQueryInformationPort (NTDLL.@)
 */
NTSTATUS WINAPI NtQueryInformationPort( HANDLE handle, PORT_INFORMATION_CLASS class, void *info,
                                        ULONG len, ULONG *ret_len )
{
    unsigned int ret;

    TRACE( "(%p,%d,%p,%u,%p)\n", handle, class, info, (int)len, ret_len );
    if (class != 0) return STATUS_INVALID_INFO_CLASS;

    /* the basic class has no documented content: it checks the handle */
    SERVER_START_REQ( alpc_query_port )
    {
        req->handle = wine_server_obj_handle( handle );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    if (!ret && ret_len) *ret_len = 0;
    return ret;
}


/***********************************************************************
 *             NtQueryPortInformationProcess (NTDLL.@)
 *
 * Whether the calling process has a port that its exceptions go to.  Wine
 * has no exception port (ProcessExceptionPort cannot be set), so that is
 * its debug port: TRUE while a debugger is attached.
 */
NTSTATUS WINAPI NtQueryPortInformationProcess(void)
{
    DWORD_PTR debug_port = 0;

    TRACE( "()\n" );
    if (NtQueryInformationProcess( GetCurrentProcess(), ProcessDebugPort, &debug_port,
                                   sizeof(debug_port), NULL ))
        return FALSE;
    return debug_port != 0;
}


/***********************************************************************
 *             NtRegisterThreadTerminatePort (NTDLL.@)
 */
NTSTATUS WINAPI NtRegisterThreadTerminatePort( HANDLE handle )
{
    unsigned int ret;

    TRACE( "(%p)\n", handle );
    SERVER_START_REQ( alpc_register_terminate_port )
    {
        req->handle = wine_server_obj_handle( handle );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtSetDefaultHardErrorPort (NTDLL.@)
 */
NTSTATUS WINAPI NtSetDefaultHardErrorPort( HANDLE handle )
{
    unsigned int ret;

    TRACE( "(%p)\n", handle );
    SERVER_START_REQ( alpc_set_hard_error_port )
    {
        req->handle = wine_server_obj_handle( handle );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}
