/*
 * Server-side port objects (LPC and ALPC)
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
 * One object type serves every port, as on Windows since Vista: a named
 * connection port, and per connection a server and a client communication
 * port.  Clients' messages queue on the connection port, the server's on the
 * client port.  A thread waiting for a reply or for a connection waits on the
 * port it used; the port's signaled state is computed per waiting thread.
 */

#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"

#include "handle.h"
#include "file.h"
#include "thread.h"
#include "process.h"
#include "request.h"
#include "security.h"
#include "port_msg.h"
#include "port_wake.h"
#include "port_private.h"

#define PORT_CONNECT     0x0001
#define PORT_ALL_ACCESS  (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | PORT_CONNECT)

/* bounds what a sender that nobody reads can make the server hold (Windows
 * charges a pool quota instead) */
#define PORT_QUEUE_LIMIT  16384

static const WCHAR port_name[] = {'A','L','P','C',' ','P','o','r','t'};

struct type_descr alpc_port_type =
{
    { port_name, sizeof(port_name) },   /* name */
    PORT_ALL_ACCESS,                    /* valid_access */
    {                                   /* mapping */
        STANDARD_RIGHTS_READ | PORT_CONNECT,
        STANDARD_RIGHTS_WRITE | PORT_CONNECT,
        STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
        PORT_ALL_ACCESS
    },
};

/* a thread waiting for the reply to its request */
struct port_wait
{
    struct list       entry;           /* in port_waits */
    struct thread    *thread;          /* the requesting thread */
    struct alpc_port *port;            /* port it sent through and waits on */
    struct alpc_port *target;          /* port whose queue got the request */
    struct port_msg  *msg;             /* the request while it is queued */
    unsigned int      msg_id;
    unsigned int      callback_id;     /* a callback's CallbackId, 0 for a request */
    struct thread    *callee;          /* a callback's: the thread it calls */
    struct port_msg  *callback;        /* a callback to this waiter, not picked up yet */
    int               received;        /* the request was received */
    int               async;           /* an ALPC request whose reply is queued, not waited for */
    unsigned int      status;          /* STATUS_PENDING until replied or abandoned */
    struct port_msg  *reply;
    struct port_msg  *request;         /* the request, kept for its data entries */
    struct token     *token;           /* ALPC: the security context it was sent under */
    int               imp_level;
};

/* a port to notify when a thread ends (NtRegisterThreadTerminatePort) */
struct terminate_port
{
    struct list       entry;
    struct thread    *thread;
    struct alpc_port *port;
    struct port_msg  *died_msg;        /* LPC_CLIENT_DIED, to send then */
};

static struct list port_waits = LIST_INIT( port_waits );
static struct list connecting_ports = LIST_INIT( connecting_ports );  /* not accepted yet */
static struct list connect_waiters = LIST_INIT( connect_waiters );    /* not told the outcome yet */
static struct list terminate_ports = LIST_INIT( terminate_ports );
static unsigned int last_msg_id;
static struct alpc_port *hard_error_port;  /* set once while it is open; Wine raises no hard errors through it */

static void port_dump( struct object *obj, int verbose );
static int port_signaled( struct object *obj, struct wait_queue_entry *entry );
static int port_close_handle( struct object *obj, struct process *process, obj_handle_t handle );
static void port_destroy( struct object *obj );

static const struct object_ops port_ops =
{
    sizeof(struct alpc_port),        /* size */
    &alpc_port_type,            /* type */
    port_dump,                  /* dump */
    add_queue,                  /* add_queue */
    remove_queue,               /* remove_queue */
    port_signaled,              /* signaled */
    no_satisfied,               /* satisfied */
    no_signal,                  /* signal */
    no_get_fd,                  /* get_fd */
    default_map_access,         /* map_access */
    default_get_sd,             /* get_sd */
    default_set_sd,             /* set_sd */
    default_get_full_name,      /* get_full_name */
    no_lookup_name,             /* lookup_name */
    directory_link_name,        /* link_name */
    default_unlink_name,        /* unlink_name */
    no_open_file,               /* open_file */
    no_kernel_obj_list,         /* get_kernel_obj_list */
    port_close_handle,          /* close_handle */
    port_destroy                /* destroy */
};

static void port_dump( struct object *obj, int verbose )
{
    static const char * const kinds[] = { "connection", "server", "client" };
    struct alpc_port *port = (struct alpc_port *)obj;

    assert( obj->ops == &port_ops );
    fprintf( stderr, "Port %s flags=%08x max_msg=%u queued=%u peer=%p\n", kinds[port->kind],
             port->flags, port->max_msg_len, port->queue.count, port->peer );
}

static void init_port( struct alpc_port *port, enum port_kind kind, unsigned int flags,
                       unsigned int max_msg_len, unsigned int max_info_len )
{
    port->kind           = kind;
    port->flags          = flags;
    port->max_msg_len    = max_msg_len;
    port->max_info_len   = max_info_len;
    port->closed         = 0;
    port->owner          = NULL;
    port->conn           = NULL;
    port->peer           = NULL;
    port->context        = 0;
    port->completing     = NULL;
    port->connect_status = STATUS_SUCCESS;
    port->connect_id     = 0;
    port->connect_tid    = 0;
    port->connect_pid    = 0;
    port->connect_time   = 0;
    port->connect_waiting = 0;
    port->connect_async  = 0;
    port->connect_msg    = NULL;
    port->connect_reply  = NULL;
    port->closed_msg     = NULL;
    port->imp_level      = SecurityAnonymous;
    port->dynamic_tracking = 0;
    port->token          = NULL;
    port->process        = NULL;
    port->section        = NULL;
    port->view_offset    = 0;
    port->view_size      = 0;
    port->server_view    = 0;
    port->server_view_granted = 0;
    port->remote_base    = 0;
    port->server_view_size = 0;
    port->views[0] = port->views[1] = 0;
    port->dup_types      = 0;
    port->max_section    = port->max_view = port->max_total = 0;
    port->completion     = NULL;
    port->completion_key = 0;
    port_queue_init( &port->queue );
    list_init( &port->server_ports );
    list_init( &port->conn_entry );
    list_init( &port->connect_entry );
    list_init( &port->waiter_entry );
    list_init( &port->sleepers );
    list_init( &port->records );
    port->connect_handle = 0;
}

static struct alpc_port *create_port( enum port_kind kind, unsigned int flags, unsigned int max_msg_len,
                                      unsigned int max_info_len )
{
    struct alpc_port *port;

    if ((port = alloc_object( &port_ops ))) init_port( port, kind, flags, max_msg_len, max_info_len );
    return port;
}

struct alpc_port *get_port_obj( struct process *process, obj_handle_t handle, unsigned int access )
{
    return (struct alpc_port *)get_handle_obj( process, handle, access, &port_ops );
}

/* the queue a port receives from */
struct alpc_port *receive_port( struct alpc_port *port )
{
    return port->kind == PORT_SERVER ? port->conn : port;
}

static struct port_wait *find_wait( struct alpc_port *port, struct thread *thread )
{
    struct port_wait *wait;

    LIST_FOR_EACH_ENTRY( wait, &port_waits, struct port_wait, entry )
        if (wait->port == port && wait->thread == thread && !wait->async) return wait;
    return NULL;
}

/* whether the thread, waiting on the port, would find what it waits for */
static int port_ready( void *obj, struct thread *thread )
{
    struct alpc_port *port = obj;
    struct port_wait *wait;

    if ((wait = find_wait( port, thread ))) return wait->status != STATUS_PENDING || wait->callback;
    switch (port->kind)
    {
    case PORT_CLIENT:
        if (port->closed) return 1;
        if (port->connect_status == STATUS_PENDING) return 0;
        /* the connecting thread waits for the outcome, which it has not taken yet */
        if (port->connect_waiting && thread->id == port->connect_tid) return 1;
        return port->connect_status || port->queue.count || !port->peer;
    case PORT_SERVER:
        return port->conn->queue.count || port->conn->closed || port->closed;
    default:
        /* a receive on a connection port whose last handle was closed fails, as on Windows */
        return port->queue.count || port->closed;
    }
}

/* port_msg_alloc, which also builds natively, sets no error: a failed allocation must fail the call */
static struct port_msg *new_msg( unsigned int type, const void *data, data_size_t size )
{
    struct port_msg *msg = port_msg_alloc( type, data, size );

    if (!msg) set_error( STATUS_NO_MEMORY );
    return msg;
}

static int port_signaled( struct object *obj, struct wait_queue_entry *entry )
{
    return port_ready( obj, get_wait_queue_thread( entry ));
}

/* wake the threads waiting on a port, in select or on their futex */
static void wake_port( struct alpc_port *port )
{
    wake_up( &port->obj, 0 );
    port_wake_ready( &port->sleepers, port_ready, port );
}

/* wake the threads that may receive from a queue, through any port they wait on */
static void wake_receivers( struct alpc_port *port )
{
    struct alpc_port *server;

    wake_port( port );
    if (port->kind != PORT_CONNECTION) return;
    LIST_FOR_EACH_ENTRY( server, &port->server_ports, struct alpc_port, conn_entry )
        wake_port( server );
}

static struct timeout_user *free_waits_timeout;
static void free_ended_waits(void);

static void free_ended_waits_callback( void *private )
{
    free_waits_timeout = NULL;
    free_ended_waits();
}

static void end_wait( struct port_wait *wait, unsigned int status )
{
    if (wait->status != STATUS_PENDING) return;
    wait->status = status;
    if (!wait->async)
    {
        wake_port( wait->port );
        return;
    }
    /* nobody waits for an async request: it is freed later, since freeing may
     * destroy ports while the caller walks a list, yet soon, since it holds them */
    if (!free_waits_timeout) free_waits_timeout = add_timeout_user( 0, free_ended_waits_callback, NULL );
}

static void free_wait( struct port_wait *wait )
{
    if (wait->msg) wait->msg->sender = NULL;
    list_remove( &wait->entry );
    if (wait->reply) port_msg_free( wait->reply );
    if (wait->request) port_msg_free( wait->request );
    if (wait->callback) port_msg_free( wait->callback );
    if (wait->callee) release_object( wait->callee );
    if (wait->token) release_object( wait->token );
    release_object( wait->thread );
    release_object( wait->port );
    if (wait->target) release_object( wait->target );
    free( wait );
}

static void free_ended_waits(void)
{
    struct port_wait *wait, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &port_waits, struct port_wait, entry )
        if (wait->async && wait->status != STATUS_PENDING) free_wait( wait );
}

/* a message leaves its queue: let its sender's wait know */
static void unqueue_msg( struct alpc_port *port, struct port_msg *msg )
{
    port_queue_remove( &port->queue, msg );
    if (msg->type == PORT_MSG_CONNECTION_REQUEST && msg->sender)
        ((struct alpc_port *)msg->sender)->connect_msg = NULL;
    else if (msg->sender)
        ((struct port_wait *)msg->sender)->msg = NULL;
}

/* empty a queue that nobody will read again; requesters are told the port went away */
static void flush_queue( struct alpc_port *port )
{
    struct port_msg *msg;

    while ((msg = port_queue_head( &port->queue )))
    {
        struct port_wait *sender = msg->type == PORT_MSG_REQUEST ? msg->sender : NULL;

        unqueue_msg( port, msg );
        if (sender) end_wait( sender, STATUS_PORT_DISCONNECTED );
        port_msg_free( msg );
    }
}

/* the receiver has the message: a direct attribute's event is set, a request's sender told */
static void msg_received( struct port_msg *msg )
{
    if (msg->attach && ((struct msg_attach *)msg->attach)->event)
        set_event( ((struct msg_attach *)msg->attach)->event );
    if (msg->type == PORT_MSG_REQUEST && msg->sender) ((struct port_wait *)msg->sender)->received = 1;
}

/* what alpc_receive_message lays out after a message's data: this, 'count' handles
 * (the caller's to fill) and the sender's SID */
void fill_recv_info( port_recv_attach_t *info, const struct msg_attach *attach, unsigned int want,
                            unsigned int count, data_size_t sid_size )
{
    memset( info, 0, sizeof(*info) );
    info->handle_count = count;
    info->sid_len      = sid_size;
    info->ticket       = attach->ticket;
    if (want & PORT_WANT_SENDER) token_get_ids( attach->token, &info->token_id, &info->modified_id );
}

/* what follows a message's data need not be aligned: it is written with memcpy */
void put_recv_info( char *dest, const port_recv_attach_t *info, const port_handle_t *handles,
                           const struct sid *sid )
{
    memcpy( dest, info, sizeof(*info) );
    dest += sizeof(*info);
    if (info->handle_count) memcpy( dest, handles, info->handle_count * sizeof(*handles) );
    dest += info->handle_count * sizeof(*handles);
    if (info->sid_len) memcpy( dest, sid, info->sid_len );
}

/* Write a message as alpc_receive_message or alpc_get_reply would give it into a
 * sleeping thread's delivery, if what it wants needs no handle made for it. */
static int fill_delivery( struct wake_slot *wake, const struct port_msg *msg )
{
    struct msg_attach *attach = msg->attach;
    unsigned int want;
    port_delivery_t *delivery = port_wake_delivery( wake, &want );
    char *data = (char *)delivery + PORT_DELIVERY_DATA - PORT_DELIVERY_OFFSET;
    const struct sid *sid = NULL;
    data_size_t size = msg->size, sid_size = 0;

    if (attach && want)
    {
        if (((want & PORT_WANT_HANDLES) && attach->count) || ((want & PORT_WANT_VIEW) && attach->view))
            return 0;
        if ((want & PORT_WANT_SENDER) && (sid = token_get_user( attach->token ))) sid_size = sid_len( sid );
        if (size + sizeof(port_recv_attach_t) + sid_size > PORT_DELIVERY_MAX) return 0;
    }
    memcpy( data, msg->data, msg->size );
    if (attach && want)
    {
        port_recv_attach_t info;

        fill_recv_info( &info, attach, want, 0, sid_size );
        put_recv_info( data + size, &info, NULL, sid );
        size += sizeof(port_recv_attach_t) + sid_size;
    }
    delivery->type        = msg->type;
    delivery->msg_id      = msg->id;
    delivery->callback_id = msg->callback_id;
    delivery->client_pid  = msg->client_pid;
    delivery->client_tid  = msg->client_tid;
    delivery->context     = msg->context;
    delivery->data_info   = msg->data_info;
    delivery->data_size   = msg->size;
    delivery->size        = size;
    return 1;
}

/* hand the message just queued to a thread asleep on its futex word, which then
 * need not ask for it (docs/fast-path.md) */
static int deliver_queued( struct alpc_port *port )
{
    struct port_msg *msg = port_queue_head( &port->queue );
    struct wake_slot *wake;
    struct alpc_port *server;

    /* the thread may have to learn of earlier messages first, and connection
     * requests are answered with more than the message */
    if (port->queue.count != 1 || msg->type == PORT_MSG_CONNECTION_REQUEST) return 0;
    if (!(wake = port_wake_find( &port->sleepers, NULL, PORT_DELIVER_RECEIVE, msg->size )) &&
        port->kind == PORT_CONNECTION)
    {
        LIST_FOR_EACH_ENTRY( server, &port->server_ports, struct alpc_port, conn_entry )
            if ((wake = port_wake_find( &server->sleepers, NULL, PORT_DELIVER_RECEIVE, msg->size ))) break;
    }
    if (!wake || !fill_delivery( wake, msg )) return 0;
    unqueue_msg( port, msg );
    msg_received( msg );
    port_wake_deliver( wake );
    port_msg_free( msg );
    return 1;
}

static int queue_msg( struct alpc_port *port, struct port_msg *msg )
{
    if (!msg->id) msg->id = port_next_id( &last_msg_id );  /* a reply keeps its request's */
    port_queue_push( &port->queue, msg );
    if (port->completion) add_completion( port->completion, port->completion_key, 0, STATUS_SUCCESS, 0 );
    else if (deliver_queued( port )) return 1;
    wake_receivers( port );
    return 1;
}

/* a notification, which comes from the kernel rather than from a sender: made
 * in advance (alloc_notification), since it must not be lost for lack of memory */
static struct port_msg *alloc_notification( unsigned int type )
{
    timeout_t time = 0;

    return new_msg( type, &time, sizeof(time) );
}

static void queue_notification( struct alpc_port *port, struct port_msg *msg, client_ptr_t context,
                                process_id_t pid, thread_id_t tid, timeout_t time )
{
    if (!msg) return;
    if (port->closed)
    {
        port_msg_free( msg );
        return;
    }
    memcpy( msg->data, &time, sizeof(time) );
    msg->context    = context;
    msg->client_pid = pid;
    msg->client_tid = tid;
    queue_msg( port, msg );
}

static void decide_connection( struct alpc_port *client, unsigned int status )
{
    struct port_msg *msg = client->connect_msg;

    list_remove( &client->connect_entry );
    list_init( &client->connect_entry );
    if (msg)
    {
        unqueue_msg( client->conn, msg );  /* which forgets client->connect_msg */
        port_msg_free( msg );
    }
    client->connect_status = status;
    wake_port( client );
}

/* break a connection from either end */
/* what a client sent and the server did not take yet stays queued; for ALPC
 * it becomes LPC_CANCELED (OV), and a sender waiting for a reply is told */
static void cancel_queued( struct alpc_port *client, int flush )
{
    struct port_msg *msg;

    LIST_FOR_EACH_ENTRY( msg, &client->conn->queue.msgs, struct port_msg, entry )
    {
        if (msg->origin != client) continue;
        msg->origin = NULL;
        if ((client->flags & ALPC_PORFLG_LPC_MODE) || !flush) continue;
        if (msg->type == PORT_MSG_REQUEST && msg->sender)
        {
            ((struct port_wait *)msg->sender)->msg = NULL;
            end_wait( msg->sender, STATUS_PORT_DISCONNECTED );
            msg->sender = NULL;
        }
        /* its data and what it carried are thrown away (OV test_send_then_close) */
        msg->type      = PORT_MSG_CANCELED;
        msg->size      = 0;
        msg->data_info = 0;
        if (msg->attach) msg->free_attach( msg->attach );
        msg->attach = NULL;
    }
}

/* flush: what the client left queued is cancelled, unless NtAlpcDisconnectPort said not to */
static void disconnect( struct alpc_port *server, struct alpc_port *client, int flush )
{
    struct port_wait *wait, *next;

    cancel_queued( client, flush );
    server->peer = NULL;
    client->peer = NULL;
    if (server->completing == client)
    {
        server->completing = NULL;
        client->connect_status = STATUS_PORT_CONNECTION_REFUSED;
    }
    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &port_waits, struct port_wait, entry )
        if (wait->port == client || wait->port == server) end_wait( wait, STATUS_PORT_DISCONNECTED );
    wake_port( client );
    wake_port( server );
    release_object( server );
    release_object( client );
}

/* a client port leaves its connection: the server hears LPC_PORT_CLOSED,
 * after what the client queued (and disconnect cancels) */
static void client_disconnect( struct alpc_port *port, int flush )
{
    struct alpc_port *server = port->peer;

    /* the client may be dying, so it is named as it connected */
    queue_notification( server->conn, port->closed_msg, server->context, port->connect_pid,
                        port->connect_tid, port->connect_time );
    port->closed_msg = NULL;
    disconnect( server, port, flush );
}

static void close_port( struct alpc_port *port )
{
    struct port_wait *wait, *next_wait;
    struct alpc_port *other, *next;

    port->closed = 1;
    free_records( port );
    if (port == hard_error_port)
    {
        /* its reference must not keep it, and its owner, past the last handle */
        hard_error_port = NULL;
        release_object( port );
    }
    LIST_FOR_EACH_ENTRY_SAFE( wait, next_wait, &port_waits, struct port_wait, entry )
        if (wait->port == port || wait->target == port) end_wait( wait, STATUS_PORT_DISCONNECTED );

    switch (port->kind)
    {
    case PORT_CONNECTION:
        unlink_named_object( &port->obj );
        LIST_FOR_EACH_ENTRY_SAFE( other, next, &connecting_ports, struct alpc_port, connect_entry )
            if (other->conn == port) decide_connection( other, STATUS_PORT_CONNECTION_REFUSED );
        LIST_FOR_EACH_ENTRY_SAFE( other, next, &port->server_ports, struct alpc_port, conn_entry )
        {
            /* the connection may hold the last reference to a server port */
            grab_object( other );
            if (other->peer) disconnect( other, other->peer, 1 );
            if (other->completing) decide_connection( other->completing, STATUS_PORT_CONNECTION_REFUSED );
            release_object( other );
        }
        flush_queue( port );
        wake_receivers( port );
        break;
    case PORT_SERVER:
        if (port->completing)
        {
            port->completing->connect_status = STATUS_PORT_CONNECTION_REFUSED;
            wake_port( port->completing );
            port->completing = NULL;
        }
        if (port->peer) disconnect( port, port->peer, 1 );
        break;
    case PORT_CLIENT:
        if (port->connect_status == STATUS_PENDING && !list_empty( &port->connect_entry ))
            decide_connection( port, STATUS_PORT_CONNECTION_REFUSED );
        if (port->peer) client_disconnect( port, 1 );
        flush_queue( port );
        break;
    }
    /* a thread still waiting on it, through a handle closed under it, must not sleep on */
    wake_port( port );
}

static int port_close_handle( struct object *obj, struct process *process, obj_handle_t handle )
{
    struct alpc_port *port = (struct alpc_port *)obj;

    if (obj->handle_count == 1 && !port->closed) close_port( port );
    return 1;
}

static void port_destroy( struct object *obj )
{
    struct alpc_port *port = (struct alpc_port *)obj;

    port_free_handles_and_views( port );

    if (!port->closed) close_port( port );
    free_records( port );
    if (port->kind != PORT_CONNECTION) unmap_views( port );
    if (port->section) release_object( port->section );
    if (port->process) release_object( port->process );
    if (port->completion) release_object( port->completion );
    assert( !port->peer );
    port_queue_clear( &port->queue );
    list_remove( &port->conn_entry );
    list_remove( &port->connect_entry );
    list_remove( &port->waiter_entry );
    if (port->connect_reply) port_msg_free( port->connect_reply );
    if (port->closed_msg) port_msg_free( port->closed_msg );
    if (port->token) release_object( port->token );
    if (port->conn) release_object( port->conn );
    if (port->owner) release_object( port->owner );
    port_wake_detach( &port->sleepers );
}

/* A connecting thread got a handle to its client port before the outcome was
 * known.  If it dies meanwhile, nobody can return that handle: close it. */
static void close_connect_handles( struct thread *thread )
{
    struct alpc_port *port, *next;
    unsigned int error = get_error();

    LIST_FOR_EACH_ENTRY_SAFE( port, next, &connect_waiters, struct alpc_port, waiter_entry )
    {
        struct object *obj;

        if (port->connect_tid != thread->id) continue;
        list_remove( &port->waiter_entry );
        list_init( &port->waiter_entry );
        if (!(obj = get_handle_obj( thread->process, port->connect_handle, 0, &port_ops ))) continue;
        if (obj == &port->obj) close_handle( thread->process, port->connect_handle );
        release_object( obj );
    }
    set_error( error );
}

/* the thread ended: send LPC_CLIENT_DIED where it asked, drop what it waited for */
void port_thread_terminated( struct thread *thread )
{
    struct terminate_port *reg, *next_reg;
    struct port_wait *wait, *next_wait;

    LIST_FOR_EACH_ENTRY_SAFE( reg, next_reg, &terminate_ports, struct terminate_port, entry )
    {
        struct alpc_port *port = reg->port, *target = NULL;
        client_ptr_t context = 0;

        if (reg->thread != thread) continue;
        if (port->kind == PORT_CLIENT && port->peer)
        {
            target = port->conn;
            context = port->peer->context;
        }
        else if (port->kind == PORT_SERVER && port->peer) target = port->peer;
        else if (port->kind == PORT_CONNECTION) target = port;
        if (target)
            queue_notification( target, reg->died_msg, context, thread->process->id,
                                thread->id, thread->creation_time );
        else port_msg_free( reg->died_msg );
        list_remove( &reg->entry );
        release_object( port );
        free( reg );
    }
    LIST_FOR_EACH_ENTRY_SAFE( wait, next_wait, &port_waits, struct port_wait, entry )
    {
        if (wait->thread == thread && !wait->async) free_wait( wait );
        else if (wait->callee == thread) end_wait( wait, STATUS_PORT_DISCONNECTED );
    }
    close_connect_handles( thread );
    port_wake_thread_terminated( thread );
}

/* where a message sent through a port goes, and the context the receiver sees */
static struct alpc_port *send_target( struct alpc_port *port, client_ptr_t *context )
{
    *context = 0;
    switch (port->kind)
    {
    case PORT_CLIENT:
        if (port->connect_status != STATUS_SUCCESS || !port->peer) break;
        *context = port->peer->context;
        return port->conn->closed ? NULL : port->conn;
    case PORT_SERVER:
        return port->peer;
    case PORT_CONNECTION:
        return port;
    }
    return NULL;
}

/* a reply may come through the port that received the request, or one of its connection */
static int can_reply_through( struct alpc_port *port, struct port_wait *wait )
{
    return port == wait->target || (port->kind == PORT_SERVER && port->conn == wait->target);
}

/* whether the ClientId a caller names must be the sender's: ALPC names a message by
 * its MessageId (and CallbackId) on the port alone (openvmm replies and accepts with
 * a header that holds nothing else), LPC by its ClientId too */
static int cid_matches( const struct alpc_port *port, process_id_t pid, thread_id_t tid,
                        process_id_t sender_pid, thread_id_t sender_tid )
{
    return !(port->flags & ALPC_PORFLG_LPC_MODE) || (pid == sender_pid && tid == sender_tid);
}

/* a request that was received through a port and still waits for its reply */
static struct port_wait *find_received( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                        process_id_t pid, thread_id_t tid )
{
    struct port_wait *wait;

    LIST_FOR_EACH_ENTRY( wait, &port_waits, struct port_wait, entry )
    {
        /* ids wrap around after 2^32 messages: an old wait may hold the same one */
        if (wait->msg_id != msg_id || wait->callback_id != callback_id) continue;
        if (wait->received && wait->status == STATUS_PENDING && can_reply_through( port, wait ) &&
            cid_matches( port, pid, tid, wait->thread->process->id, wait->thread->id ))
            return wait;
    }
    set_error( STATUS_REPLY_MESSAGE_MISMATCH );
    return NULL;
}

/* the PORT_DATA_INFORMATION of a request must lie inside the message */
static int check_data_info( const struct port_msg *msg )
{
    const unsigned int entry_size = 2 * sizeof(client_ptr_t);
    unsigned int offset = msg->data_info, count;

    if (offset < PORT_MSG_HEADER_SIZE || offset % sizeof(client_ptr_t)) return 0;
    offset -= PORT_MSG_HEADER_SIZE;
    if (offset + sizeof(client_ptr_t) > msg->size) return 0;
    memcpy( &count, msg->data + offset, sizeof(count) );
    return count <= (msg->size - offset - sizeof(client_ptr_t)) / entry_size;
}

/* create a connection port */

DECL_HANDLER(alpc_create_port)
{
    struct alpc_port *port;
    struct unicode_str name;
    struct object *root;
    const struct security_descriptor *sd;
    const struct object_attributes *objattr = get_req_object_attributes( &sd, &name, &root );
    unsigned int status;

    if (!objattr) return;
    if (objattr->attributes & ~OBJ_CASE_INSENSITIVE) set_error( STATUS_INVALID_PARAMETER );
    else if ((status = port_check_limits( req->flags & ALPC_PORFLG_LPC_MODE, req->max_info_len,
                                          req->max_msg_len )))
        set_error( status );
    else if ((port = create_named_object( root, &port_ops, &name, objattr->attributes, sd )))
    {
        if (get_error() == STATUS_OBJECT_NAME_EXISTS) set_error( STATUS_OBJECT_NAME_COLLISION );
        else
        {
            /* LPC: the maximum, not the requested size, bounds the connection information;
             * ALPC: the connection message is a message like any other */
            init_port( port, PORT_CONNECTION, req->flags, req->max_msg_len,
                       (req->flags & ALPC_PORFLG_LPC_MODE) ? LPC_MAX_INFO_LEN
                                                           : req->max_msg_len - PORT_MSG_HEADER_SIZE );
            port->dup_types = req->dup_types;
            port->owner = (struct process *)grab_object( current->process );
            reply->handle = alloc_handle_no_access_check( current->process, port, req->access,
                                                          objattr->attributes );
        }
        release_object( port );
    }
    if (root) release_object( root );
}

/* ask for a connection */
DECL_HANDLER(alpc_connect_port)
{
    struct alpc_port *conn, *client;
    struct unicode_str name;
    struct object *root;
    const struct security_descriptor *sd;
    const struct object_attributes *objattr = get_req_object_attributes( &sd, &name, &root );
    unsigned int access = PORT_CONNECT;
    const struct sid *sid;
    const void *info;
    data_size_t info_len, size;
    struct port_msg *msg;
    struct object *section = NULL;

    if (!objattr) return;
    sid = get_req_data_after_objattr( objattr, &size );
    if (req->sid_len > size || (req->sid_len && !sid_valid_size( sid, req->sid_len )) ||
        req->info_size > size - req->sid_len)
    {
        if (root) release_object( root );
        set_error( STATUS_INVALID_PARAMETER );
        return;
    }
    info = (const char *)sid + req->sid_len;
    info_len = req->info_size;
    size -= req->sid_len + info_len;
    if (req->section &&
        !(section = get_section_obj( current->process, req->section, SECTION_MAP_READ | SECTION_MAP_WRITE )))
    {
        if (root) release_object( root );
        return;
    }
    conn = open_named_object( root, &port_ops, &name, objattr->attributes );
    if (root) release_object( root );
    if (!conn)
    {
        if (section) release_object( section );
        return;
    }

    if (conn->kind != PORT_CONNECTION || conn->closed) set_error( STATUS_INVALID_PORT_HANDLE );
    else if (conn->queue.count >= PORT_QUEUE_LIMIT) set_error( STATUS_NO_MEMORY );
    else if (req->imp_level < SecurityAnonymous || req->imp_level > SecurityDelegation)
        set_error( STATUS_BAD_IMPERSONATION_LEVEL );
    else if (req->sid_len && !equal_sid( sid, token_get_user( conn->owner->token )))
        set_error( STATUS_SERVER_SID_MISMATCH );
    else if (!(conn->flags & ALPC_PORFLG_LPC_MODE) && info_len > conn->max_info_len)
        set_error( STATUS_PORT_MESSAGE_TOO_LONG );  /* ALPC does not truncate */
    else if (check_object_access( NULL, &conn->obj, &access ) &&
             (client = create_port( PORT_CLIENT, req->flags, conn->max_msg_len, conn->max_info_len )))
    {
        /* everything that can fail comes before the server can see the request */
        info_len = min( info_len, conn->max_info_len );
        client->dynamic_tracking = !!(req->options & PORT_CONNECT_DYNAMIC);
        if ((client->dynamic_tracking ||
             (client->token = token_duplicate( thread_get_impersonation_token( current ), 0,
                                               req->imp_level, NULL, NULL, 0, NULL, 0 ))) &&
            (client->closed_msg = alloc_notification( PORT_MSG_PORT_CLOSED )) &&
            (msg = new_msg( PORT_MSG_CONNECTION_REQUEST, info, info_len )))
        {
            if ((!size || attach_msg( msg, client, conn, (const char *)info + req->info_size, size )) &&
                (reply->handle = alloc_handle_no_access_check( current->process, client, req->access, 0 )))
            {
                client->conn           = (struct alpc_port *)grab_object( conn );
                client->connect_status = STATUS_PENDING;
                client->connect_tid    = current->id;
                client->connect_pid    = current->process->id;
                client->connect_time   = current->process->start_time;
                client->connect_waiting = !(req->options & PORT_CONNECT_ASYNC);
                client->connect_async  = !!(req->options & PORT_CONNECT_ASYNC);
                client->imp_level      = req->imp_level;
                client->connect_msg    = msg;
                client->connect_handle = reply->handle;
                client->process        = (struct process *)grab_object( current->process );
                if (section)
                {
                    client->section     = grab_object( section );
                    client->view_offset = req->view_offset;
                    client->view_size   = req->view_size;
                    client->views[0]    = req->view_base;
                }
                client->server_view    = !!(req->options & PORT_CONNECT_SERVER_VIEW);
                client->dup_types      = req->dup_types;
                msg->sender     = client;
                msg->client_pid = current->process->id;
                msg->client_tid = current->id;
                msg->id         = port_next_id( &last_msg_id );
                client->connect_id = msg->id;
                list_add_tail( &connecting_ports, &client->connect_entry );
                if (client->connect_waiting) list_add_tail( &connect_waiters, &client->waiter_entry );
                queue_msg( conn, msg );
            }
            else port_msg_free( msg );
        }
        release_object( client );
    }
    release_object( conn );
    if (section) release_object( section );
}

/* the outcome of a connection */
DECL_HANDLER(alpc_connect_result)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );

    if (!port) return;
    if (port->kind != PORT_CLIENT) set_error( STATUS_INVALID_PORT_HANDLE );
    else if (port->connect_status) set_error( port->connect_status );
    else
    {
        port->connect_waiting = 0;
        list_remove( &port->waiter_entry );
        list_init( &port->waiter_entry );
        reply->max_msg_len = port->max_msg_len;
        reply->remote_base = port->remote_base;
        reply->server_view_base = port->views[1];
        reply->server_view_size = port->server_view_size;
        if (port->connect_reply)
        {
            reply->info_size = min( port->connect_reply->size, get_reply_max_size() );
            reply_msg_data( port->connect_reply, req->want, reply->info_size, 0 );
            port_msg_free( port->connect_reply );
            port->connect_reply = NULL;
        }
    }
    release_object( port );
}

/* accept or refuse a connection request */
DECL_HANDLER(alpc_accept_connect)
{
    struct alpc_port *client, *server;
    const void *info = get_req_data();
    data_size_t info_len = req->info_size, size = get_req_data_size();
    obj_handle_t section = 0, process = 0;
    struct port_msg *msg;
    struct alpc_port *conn = NULL;

    if (req->port && !(conn = get_port_obj( current->process, req->port, 0 ))) return;

    LIST_FOR_EACH_ENTRY( client, &connecting_ports, struct alpc_port, connect_entry )
    {
        if (client->connect_id == req->msg_id && !client->connect_msg &&
            cid_matches( client->conn, req->client_pid, req->client_tid, client->connect_pid, client->connect_tid ) &&
            client->conn->owner == current->process && (!conn || client->conn == conn)) break;
    }
    if (conn) release_object( conn );
    if (&client->connect_entry == &connecting_ports)
    {
        set_error( STATUS_REPLY_MESSAGE_MISMATCH );
        return;
    }
    if (info_len > size)
    {
        set_error( STATUS_INVALID_PARAMETER );
        return;
    }
    if (!req->accept)
    {
        decide_connection( client, STATUS_PORT_CONNECTION_REFUSED );
        return;
    }

    /* ntdll maps the views with these handles, then reports them in alpc_accept_views */
    if (client->section &&
        !(section = alloc_handle( current->process, client->section, SECTION_MAP_READ | SECTION_MAP_WRITE, 0 )))
        return;
    if (req->server_view && client->server_view &&
        !(process = alloc_handle( current->process, client->process, PROCESS_VM_OPERATION, 0 )))
        goto failed;

    /* the server's answer: its connection information, and for ALPC what it attaches;
     * made first, as a server port must not exist without its connection */
    if (!(msg = new_msg( PORT_MSG_CONNECTION_REPLY, info, min( info_len, client->max_info_len ))))
        goto failed;
    if ((size > info_len && !attach_msg( msg, client->conn, client, (const char *)info + info_len,
                                         size - info_len )) ||
        !(server = create_port( PORT_SERVER, client->conn->flags, client->conn->max_msg_len,
                                client->conn->max_info_len )))
    {
        port_msg_free( msg );
        goto failed;
    }
    server->max_section = client->conn->max_section;
    server->max_view    = client->conn->max_view;
    server->max_total   = client->conn->max_total;
    msg->client_pid = current->process->id;
    msg->client_tid = current->id;
    if (client->connect_reply) port_msg_free( client->connect_reply );
    client->connect_reply = msg;
    server->conn     = (struct alpc_port *)grab_object( client->conn );
    server->context  = req->context;
    list_add_tail( &client->conn->server_ports, &server->conn_entry );

    if ((reply->handle = alloc_handle_no_access_check( current->process, server, req->access, 0 )))
    {
        list_remove( &client->connect_entry );
        list_init( &client->connect_entry );
        server->peer = (struct alpc_port *)grab_object( client );
        client->peer = (struct alpc_port *)grab_object( server );
        server->completing = client;
        if (client->section)
        {
            reply->section     = section;
            reply->view_offset = client->view_offset;
            reply->view_size   = client->view_size;
            release_object( client->section );
            client->section = NULL;
        }
        reply->process = process;
        client->server_view_granted = !!process;
    }
    release_object( server );
    if (reply->handle) return;

failed:
    if (section) close_handle( current->process, section );
    if (process) close_handle( current->process, process );
}

/* the views of a connection being accepted */
DECL_HANDLER(alpc_accept_views)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 ), *client;

    if (!port) return;
    if (port->kind != PORT_SERVER) set_error( STATUS_INVALID_PORT_HANDLE );
    else if (!(client = port->completing) || port->views[0] || port->views[1])
        set_error( STATUS_INVALID_PARAMETER );
    /* the server names a view in the client, which it is unmapped from at close: only
     * one it could map there, with the process handle it was given for that */
    else if ((req->server_remote && (!client->server_view_granted ||
                                     !find_mapped_view( client->process, req->server_remote ))) ||
             (req->client_view && !find_mapped_view( current->process, req->client_view )) ||
             (req->server_view && !find_mapped_view( current->process, req->server_view )))
        set_error( STATUS_INVALID_PARAMETER );
    else
    {
        port->views[0] = req->client_view;
        port->views[1] = req->server_view;
        client->remote_base = req->client_view;
        client->views[1] = req->server_remote;
        client->server_view_size = req->server_remote ? req->server_size : 0;
    }
    release_object( port );
}

/* let the accepted client go */
DECL_HANDLER(alpc_complete_connect)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_msg *msg;

    if (!port) return;
    if (port->kind != PORT_SERVER) set_error( STATUS_INVALID_PORT_HANDLE );
    else if (!port->completing) set_error( STATUS_INVALID_PARAMETER );
    else
    {
        struct alpc_port *client = port->completing;

        client->connect_status = STATUS_SUCCESS;
        port->completing = NULL;
        if (client->connect_async && (msg = client->connect_reply))
        {
            client->connect_reply = NULL;
            queue_msg( client, msg );
        }
        wake_port( client );
    }
    release_object( port );
}

static struct port_wait *create_wait( struct alpc_port *port, struct alpc_port *target, struct port_msg *msg )
{
    struct port_wait *wait;

    if (!(wait = mem_alloc( sizeof(*wait) ))) return NULL;
    wait->request = NULL;
    if (msg->data_info && !(wait->request = new_msg( msg->type, msg->data, msg->size )))
    {
        free( wait );
        return NULL;
    }
    if (wait->request) wait->request->data_info = msg->data_info;
    wait->thread   = (struct thread *)grab_object( current );
    wait->port     = (struct alpc_port *)grab_object( port );
    wait->target   = (struct alpc_port *)grab_object( target );
    wait->msg      = msg;
    wait->msg_id   = 0;
    wait->callback_id = 0;
    wait->callee   = NULL;
    wait->callback = NULL;
    wait->received = 0;
    wait->async    = 0;
    wait->status   = STATUS_PENDING;
    wait->reply    = NULL;
    wait->token    = NULL;
    msg->sender    = wait;
    list_add_tail( &port_waits, &wait->entry );
    return wait;
}

/* queue a request or a datagram from the current thread; returns its MessageId */
static unsigned int send_message( struct alpc_port *port, unsigned int type, const void *data, data_size_t size,
                                  data_size_t total_len, unsigned int data_info, int async,
                                  const void *attach, data_size_t attach_size )
{
    struct alpc_port *target;
    struct port_msg *msg;
    struct port_wait *wait = NULL;
    client_ptr_t context;
    unsigned int status, id;

    if (type != PORT_MSG_REQUEST && type != PORT_MSG_DATAGRAM) status = STATUS_INVALID_PARAMETER;
    else status = port_check_msg_lengths( size, total_len, port->max_msg_len );
    if (status)
    {
        set_error( status );
        return 0;
    }
    if (!(target = send_target( port, &context )))
    {
        set_error( STATUS_PORT_DISCONNECTED );
        return 0;
    }
    if (type == PORT_MSG_REQUEST && !async && find_wait( port, current ))
    {
        set_error( STATUS_UNSUCCESSFUL );  /* the thread already waits for a reply there */
        return 0;
    }
    if (target->queue.count >= PORT_QUEUE_LIMIT)
    {
        set_error( STATUS_NO_MEMORY );
        return 0;
    }
    if (!(msg = new_msg( type, data, size ))) return 0;
    msg->data_info  = data_info;
    msg->context    = context;
    msg->client_pid = current->process->id;
    msg->client_tid = current->id;
    if (port->kind == PORT_CLIENT) msg->origin = port;
    if (data_info && (type == PORT_MSG_DATAGRAM || !check_data_info( msg )))
    {
        set_error( STATUS_INVALID_PARAMETER );
        port_msg_free( msg );
        return 0;
    }
    if (attach_size && attach_msg( msg, port, target, attach, attach_size ) &&
        ((struct msg_attach *)msg->attach)->unmap_existing)
        set_error( STATUS_INVALID_PARAMETER );  /* only a reply unmaps the view of what it answers */
    if (get_error() || (type == PORT_MSG_REQUEST && !(wait = create_wait( port, target, msg ))))
    {
        port_msg_free( msg );
        return 0;
    }
    if (wait && msg->attach && ((struct msg_attach *)msg->attach)->context)
    {
        wait->token     = (struct token *)grab_object( ((struct msg_attach *)msg->attach)->token );
        wait->imp_level = ((struct msg_attach *)msg->attach)->imp_level;
    }
    /* queue_msg may hand the message to a sleeping receiver and free it */
    release_view_with( msg );
    msg->id = id = port_next_id( &last_msg_id );
    if (wait)
    {
        wait->msg_id = id;
        wait->async  = async;
    }
    queue_msg( target, msg );
    return id;
}

/* send a request or a datagram */
DECL_HANDLER(alpc_send_message)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );

    if (!port) return;
    free_ended_waits();
    if (req->data_size > get_req_data_size()) set_error( STATUS_INVALID_PARAMETER );
    else reply->msg_id = send_message( port, req->type, get_req_data(), req->data_size, req->total_len,
                                       req->data_info, req->async, (const char *)get_req_data() + req->data_size,
                                       get_req_data_size() - req->data_size );
    /* the sender sleeps right away: a reply wakes it, as if its alpc_get_reply had pended */
    if (reply->msg_id && req->type == PORT_MSG_REQUEST && !req->async)
        port_wake_register( &port->sleepers, req->wake, PORT_DELIVER_REPLY, req->deliver, req->deliver_want );
    release_object( port );
}

/* the reply to the calling thread's request, or a callback, once there is one */
DECL_HANDLER(alpc_get_reply)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_wait *wait;
    struct port_msg *msg;

    if (!port) return;
    if (!(wait = find_wait( port, current )) || (req->msg_id && wait->msg_id != req->msg_id))
        set_error( STATUS_INVALID_PARAMETER );
    else if ((msg = wait->callback))
    {
        wait->callback = NULL;
        reply->type        = msg->type;
        reply->msg_id      = msg->id;
        reply->callback_id = msg->callback_id;
        reply->client_pid  = msg->client_pid;
        reply->client_tid  = msg->client_tid;
        reply->data_size   = min( msg->size, get_reply_max_size() );
        set_reply_data( msg->data, reply->data_size );
        port_msg_free( msg );
    }
    else if (wait->status == STATUS_PENDING)
    {
        set_error( STATUS_PENDING );
        port_wake_register( &port->sleepers, req->wake, PORT_DELIVER_REPLY, req->deliver, req->want );
    }
    else
    {
        if (wait->status) set_error( wait->status );
        else
        {
            reply->type       = PORT_MSG_REPLY;
            reply->msg_id     = wait->msg_id;
            reply->client_pid = wait->reply->client_pid;
            reply->client_tid = wait->reply->client_tid;
            reply->data_size  = min( wait->reply->size, get_reply_max_size() );
            reply_msg_data( wait->reply, req->want, reply->data_size, 0 );
        }
        free_wait( wait );
    }
    release_object( port );
}

/* call back a client that waits for its reply: the server thread then waits for the answer */
DECL_HANDLER(alpc_send_callback)
{
    static unsigned int last_callback_id;
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    data_size_t size = get_req_data_size();
    struct port_wait *caller, *wait;
    struct port_msg *msg;
    unsigned int status;

    if (!port) return;
    if (!(caller = find_received( port, req->msg_id, 0, req->client_pid, req->client_tid ))) goto done;
    if ((status = port_check_msg_lengths( size, req->total_len, port->max_msg_len )))
        set_error( status );
    else if (caller->callback || find_wait( port, current )) set_error( STATUS_UNSUCCESSFUL );
    else if ((msg = new_msg( PORT_MSG_REQUEST, get_req_data(), size )))
    {
        /* the callback goes straight to the waiting thread, as received */
        if (!(wait = create_wait( port, caller->port, msg )))
        {
            port_msg_free( msg );
            goto done;
        }
        wait->msg         = NULL;
        wait->received    = 1;
        wait->msg_id      = caller->msg_id;
        wait->callback_id = port_next_id( &last_callback_id );
        wait->callee      = (struct thread *)grab_object( caller->thread );
        msg->sender       = NULL;
        msg->id           = wait->msg_id;
        msg->callback_id  = wait->callback_id;
        msg->client_pid   = current->process->id;
        msg->client_tid   = current->id;
        caller->callback  = msg;
        wake_port( caller->port );
        reply->callback_id = wait->callback_id;
    }
done:
    release_object( port );
}

/* whether alpc_receive_message would find nothing yet on the port */
static int receive_would_pend( struct alpc_port *port )
{
    struct alpc_port *queue = receive_port( port );

    if (port->kind == PORT_CLIENT && (port->connect_status || !port->peer)) return 0;
    return !queue->closed && !port_queue_head( &queue->queue );
}

/* hand a reply to its requester asleep on its futex word; the wait is over */
static int deliver_reply( struct port_wait *wait )
{
    struct wake_slot *wake;

    if (wait->callback_id || wait->callback) return 0;
    if (!(wake = port_wake_find( &wait->port->sleepers, wait->thread, PORT_DELIVER_REPLY, wait->reply->size )))
        return 0;
    if (!fill_delivery( wake, wait->reply )) return 0;
    /* freeing the wait may destroy its port, whose sleepers are then woken with nothing */
    port_wake_deliver( wake );
    free_wait( wait );
    return 1;
}

/* reply to a received request */
DECL_HANDLER(alpc_reply_message)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_record *record;
    struct port_wait *wait;
    struct port_msg *msg;
    data_size_t size = get_req_data_size();
    unsigned int status;

    if (!port) return;
    free_ended_waits();
    if (req->data_size > size) set_error( STATUS_INVALID_PARAMETER );
    else if (!(wait = find_received( port, req->msg_id, req->callback_id, req->client_pid, req->client_tid )))
    {
        /* a datagram kept for what it passed: nobody waits for the reply, which releases it
         * (and unmaps the replier's view of it when asked); what the reply carries is dropped */
        if ((record = find_record( port, req->msg_id, req->callback_id, 0 )))
        {
            port_send_attach_t info;

            clear_error();
            if (size - req->data_size >= sizeof(info))
            {
                memcpy( &info, (const char *)get_req_data() + req->data_size, sizeof(info) );
                if (info.view_flags & ALPC_VIEWFLG_UNMAP_EXISTING) reply->unmap = take_received_view( record );
            }
            free_record( record );
        }
    }
    else if ((status = port_check_msg_lengths( req->data_size, req->total_len, port->max_msg_len )))
        set_error( status );
    else if ((msg = new_msg( PORT_MSG_REPLY, get_req_data(), req->data_size )))
    {
        msg->id         = wait->msg_id;
        msg->client_pid = current->process->id;
        msg->client_tid = current->id;
        if (size > req->data_size &&
            !attach_msg( msg, port, receive_port( wait->port ), (const char *)get_req_data() + req->data_size,
                         size - req->data_size ))
        {
            port_msg_free( msg );
            goto done;
        }
        if (msg->attach && ((struct msg_attach *)msg->attach)->unmap_existing &&
            (record = find_record( port, req->msg_id, req->callback_id, 0 )))
            reply->unmap = take_received_view( record );
        release_view_with( msg );
        if (wait->async)
        {
            /* the reply joins the messages the sender receives */
            msg->context = wait->port->kind == PORT_SERVER ? wait->port->context : 0;
            queue_msg( receive_port( wait->port ), msg );
            wait->status = STATUS_SUCCESS;
            free_wait( wait );
        }
        else
        {
            wait->reply = msg;
            if (!deliver_reply( wait )) end_wait( wait, STATUS_SUCCESS );
        }
        if (!get_error() && (record = find_record( port, req->msg_id, req->callback_id, 0 )))
            free_record( record );
        if (!get_error() && req->wake && receive_would_pend( port ))
        {
            port_wake_register( &port->sleepers, req->wake, PORT_DELIVER_RECEIVE, req->deliver,
                                req->deliver_want );
            reply->pending = 1;
        }
    }
    else set_error( STATUS_NO_MEMORY );
done:
    release_object( port );
}

/* take the next message */
DECL_HANDLER(alpc_receive_message)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 ), *queue;
    struct port_record *record = NULL;
    struct port_msg *msg;

    if (!port) return;
    free_ended_waits();
    queue = receive_port( port );
    if (req->whole && (msg = port_queue_head( &queue->queue )) && msg->size > req->max_len)
    {
        reply->total = msg->size;
        set_error( STATUS_BUFFER_TOO_SMALL );
        release_object( port );
        return;
    }
    /* what can fail comes before the message is taken */
    if ((msg = port_queue_head( &queue->queue )) && !req->connections_only && keeps_record( port, msg, req->want ) &&
        !(record = mem_alloc( sizeof(*record) )))
    {
        release_object( port );
        return;
    }
    while ((msg = port_queue_head( &queue->queue )))
    {
        unqueue_msg( queue, msg );
        if (!req->connections_only || msg->type == PORT_MSG_CONNECTION_REQUEST) break;
        if (msg->type == PORT_MSG_REQUEST && msg->sender)
            end_wait( msg->sender, STATUS_LPC_REPLY_LOST );
        port_msg_free( msg );
    }
    if (!msg)
    {
        if (port->kind == PORT_CLIENT && port->connect_status && port->connect_status != STATUS_PENDING)
            set_error( port->connect_status );  /* refused */
        else if (queue->closed || (port->kind == PORT_CLIENT && !port->peer && !port->connect_status))
            set_error( STATUS_PORT_DISCONNECTED );
        else
        {
            /* also an asynchronous connection not decided yet: LPC_CONNECTION_REPLY will come */
            set_error( STATUS_PENDING );
            /* NtListenPort drops what it does not take, so it takes no delivery */
            port_wake_register( &port->sleepers, req->wake, PORT_DELIVER_RECEIVE,
                                req->connections_only ? 0 : req->deliver, req->want );
        }
    }
    else
    {
        reply->type        = msg->type;
        reply->data_info   = msg->data_info;
        reply->msg_id      = msg->id;
        reply->callback_id = msg->callback_id;
        reply->client_pid  = msg->client_pid;
        reply->client_tid  = msg->client_tid;
        reply->context     = msg->context;
        reply->total       = msg->size;
        if (msg->type == PORT_MSG_CONNECTION_REQUEST && msg->sender)
            reply->view_size = ((struct alpc_port *)msg->sender)->view_size;
        reply->data_size   = min( msg->size, min( req->max_len, get_reply_max_size() ));
        if (!reply_msg_data( msg, req->want, reply->data_size, record != NULL ) && record)
        {
            free( record );  /* no room to say so: the handles go with the message */
            record = NULL;
        }
        msg_received( msg );
        if (record) keep_record( port, record, msg );
        record = NULL;
        port_msg_free( msg );
    }
    free( record );
    release_object( port );
}

/* post a completion packet for every message queued to a port */
DECL_HANDLER(alpc_set_completion)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 ), *queue;
    struct completion *completion;

    if (!port) return;
    queue = receive_port( port );
    if (queue->completion) set_error( STATUS_INVALID_PARAMETER );
    else if ((completion = get_completion_obj( current->process, req->completion, IO_COMPLETION_MODIFY_STATE )))
    {
        queue->completion = completion;
        queue->completion_key = req->key;
    }
    release_object( port );
}

/* whether a cancel names this message: by its MessageId, and by its CallbackId
 * as well unless the caller asked for no context check */
static int cancel_names( const struct alpc_cancel_message_request *req, unsigned int msg_id,
                         unsigned int callback_id )
{
    return msg_id == req->msg_id &&
           ((req->flags & ALPC_CANCELFLG_NO_CONTEXT_CHECK) || callback_id == req->callback_id);
}

/* cancel a message the caller sent, queued or held by its receiver, or drop or release
 * one it received; nothing here waits, so every cancel is one that only tries
 * (ALPC_CANCELFLG_TRY_CANCEL) */
DECL_HANDLER(alpc_cancel_message)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 ), *target;
    struct port_record *record;
    struct port_wait *wait, *next;
    struct port_msg *msg;
    client_ptr_t context;

    if (!port) return;
    /* the caller gives up waiting for the reply to its request */
    if ((wait = find_wait( port, current )) && !wait->callback_id && cancel_names( req, wait->msg_id, 0 ))
    {
        if (wait->msg)
        {
            msg = wait->msg;
            unqueue_msg( wait->target, msg );
            port_msg_free( msg );
        }
        free_wait( wait );
        goto done;
    }
    /* a message of the caller's process, still queued */
    if ((target = send_target( port, &context )) && (msg = port_queue_find_id( &target->queue, req->msg_id )) &&
        msg->client_pid == current->process->id && msg->type != PORT_MSG_CONNECTION_REQUEST &&
        cancel_names( req, msg->id, msg->callback_id ))
    {
        struct port_wait *sender = msg->type == PORT_MSG_REQUEST ? msg->sender : NULL;

        unqueue_msg( target, msg );
        if (sender) end_wait( sender, STATUS_CANCELLED );
        port_msg_free( msg );
        goto done;
    }
    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &port_waits, struct port_wait, entry )
    {
        if (wait->callback_id || !wait->received || wait->status != STATUS_PENDING ||
            !cancel_names( req, wait->msg_id, 0 ))
            continue;
        /* a request the caller's process sent through this port, which its receiver holds;
         * or a request the caller received and will not answer */
        if ((wait->port == port && wait->thread->process == current->process) || can_reply_through( port, wait ))
        {
            if (can_reply_through( port, wait ) && (record = find_record( port, wait->msg_id, 0, 0 )))
                free_record( record );
            end_wait( wait, STATUS_CANCELLED );
            goto done;
        }
    }
    /* the receiver releases a message kept for its handles (LA cancels what it will not answer) */
    if ((record = find_record( port, req->msg_id, req->callback_id,
                               req->flags & ALPC_CANCELFLG_NO_CONTEXT_CHECK )))
    {
        free_record( record );
        goto done;
    }
    set_error( STATUS_NOT_FOUND );
done:
    release_object( port );
}

/* the server a thread is blocked on, as a debugger or wait chain would show it */
DECL_HANDLER(alpc_server_info)
{
    struct thread *thread = get_thread_from_handle( req->thread, THREAD_QUERY_LIMITED_INFORMATION );
    struct port_wait *wait;
    struct alpc_port *conn;
    data_size_t len;
    WCHAR *name;

    if (!thread) return;
    LIST_FOR_EACH_ENTRY( wait, &port_waits, struct port_wait, entry )
    {
        if (wait->thread != thread || wait->async || wait->status != STATUS_PENDING) continue;
        conn = wait->port->kind == PORT_CONNECTION ? wait->port : wait->port->conn;
        reply->blocked = 1;
        reply->server_pid = conn->owner ? conn->owner->id : 0;
        if ((name = conn->obj.ops->get_full_name( &conn->obj, &len )))
        {
            set_reply_data_ptr( name, min( len, get_reply_max_size() ));
        }
        break;
    }
    release_object( thread );
}

/* break a connection, leaving both ports open */
DECL_HANDLER(alpc_disconnect_port)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );

    if (!port) return;
    if (port->kind == PORT_CONNECTION) set_error( STATUS_INVALID_PORT_HANDLE );
    else if (!port->peer) set_error( STATUS_PORT_DISCONNECTED );
    else if (port->kind == PORT_CLIENT) client_disconnect( port, !(req->flags & ALPC_DISCONNECTFLG_NO_FLUSH) );
    else disconnect( port, port->peer, !(req->flags & ALPC_DISCONNECTFLG_NO_FLUSH) );
    release_object( port );
}

/* the thread that sent a message the port holds: a connection request not
 * decided yet, or a request not replied to yet */
static struct thread *get_sender( struct alpc_port *port, unsigned int msg_id, process_id_t pid, thread_id_t tid )
{
    struct alpc_port *conn = port->kind == PORT_CLIENT ? NULL : receive_port( port ), *client;
    struct port_wait *wait;
    struct thread *thread;

    LIST_FOR_EACH_ENTRY( client, &connecting_ports, struct alpc_port, connect_entry )
    {
        if (client->conn != conn || client->connect_id != msg_id || client->connect_msg ||
            !cid_matches( conn, pid, tid, client->connect_pid, client->connect_tid )) continue;
        if (!(thread = get_thread_from_id( client->connect_tid ))) set_error( STATUS_INVALID_CID );
        return thread;
    }
    if (!(wait = find_received( port, msg_id, 0, pid, tid ))) return NULL;
    return (struct thread *)grab_object( wait->thread );
}

/* open the sender of a message */
DECL_HANDLER(alpc_open_sender)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct thread *thread;
    struct object *obj;

    if (!port) return;
    if ((thread = get_sender( port, req->msg_id, req->client_pid, req->client_tid )))
    {
        obj = req->thread ? &thread->obj : &thread->process->obj;
        reply->sender = alloc_handle( current->process, obj, req->access, req->attributes );
        release_object( thread );
    }
    release_object( port );
}

/* notify a port when the calling thread ends */
DECL_HANDLER(alpc_register_terminate_port)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct terminate_port *reg;

    if (!port) return;
    if ((reg = mem_alloc( sizeof(*reg) )) && !(reg->died_msg = alloc_notification( PORT_MSG_CLIENT_DIED )))
    {
        free( reg );
        reg = NULL;
    }
    if (reg)
    {
        reg->thread = current;
        reg->port   = (struct alpc_port *)grab_object( port );
        list_add_tail( &terminate_ports, &reg->entry );
    }
    release_object( port );
}

/* the token the other end of a connection runs as */
static struct token *get_peer_token( struct alpc_port *port )
{
    struct alpc_port *client;

    if (!port->peer) return NULL;
    if (port->kind == PORT_CLIENT) return port->conn->owner->token;
    client = port->peer;
    if (client->token) return client->token;
    return client->process->token;
}

/* basic information */
DECL_HANDLER(alpc_query_port)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct token *peer_token;

    if (!port) return;
    reply->kind         = port->kind;
    reply->context      = port->kind == PORT_SERVER ? port->context : 0;
    reply->flags        = port->flags;
    reply->max_msg_len  = port->max_msg_len;
    reply->max_info_len = port->max_info_len;
    if ((peer_token = get_peer_token( port )))
    {
        const struct sid *sid = token_get_user( peer_token );
        set_reply_data( sid, min( sid_len( sid ), get_reply_max_size() ));
    }
    release_object( port );
}

/* copy between the server and a data entry of a waiting client */
DECL_HANDLER(alpc_request_data)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_wait *wait;
    const struct port_msg *request;
    client_ptr_t entry[2];
    unsigned int offset, count;
    data_size_t size;
    char *buffer;

    if (!port) return;
    if (!(wait = find_received( port, req->msg_id, 0, req->client_pid, req->client_tid ))) goto done;
    if (!(request = wait->request))
    {
        set_error( STATUS_INVALID_PARAMETER );
        goto done;
    }
    offset = request->data_info - PORT_MSG_HEADER_SIZE;
    memcpy( &count, request->data + offset, sizeof(count) );
    if (req->index >= count)
    {
        set_error( STATUS_INVALID_PARAMETER );
        goto done;
    }
    memcpy( entry, request->data + offset + sizeof(client_ptr_t) + req->index * sizeof(entry),
            sizeof(entry) );
    size = req->size;
    if (size > (unsigned int)entry[1])
    {
        set_error( STATUS_INVALID_PARAMETER );
        goto done;
    }
    /* wineserver's process memory helpers touch a word even for no bytes */
    if (!size) reply->done = 0;
    else if (req->write)
    {
        size = min( size, get_req_data_size() );
        if (size && write_process_memory( wait->thread->process, entry[0], size, get_req_data() ))
            reply->done = size;
    }
    else
    {
        size = min( size, get_reply_max_size() );
        if ((buffer = set_reply_data_size( size )) &&
            read_process_memory( wait->thread->process, entry[0], size, buffer ))
            reply->done = size;
    }
done:
    release_object( port );
}

/* take the security context of a request's sender */
DECL_HANDLER(alpc_impersonate_client)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_wait *wait;
    struct alpc_port *client;
    struct token *token = NULL;

    if (!port) return;
    /* LPC impersonates through a server port only, ALPC through the connection port too */
    if (port->kind == PORT_CLIENT || (port->kind == PORT_CONNECTION && (port->flags & ALPC_PORFLG_LPC_MODE)))
        set_error( STATUS_INVALID_PORT_HANDLE );
    else if ((wait = find_received( port, req->msg_id, 0, req->client_pid, req->client_tid )))
    {
        client = wait->port->kind == PORT_CLIENT ? wait->port : NULL;
        if (client && !(client->flags & (ALPC_PORFLG_LPC_MODE | ALPC_PORFLG_ALLOW_IMPERSONATION)))
            set_error( STATUS_ACCESS_DENIED );  /* an ALPC client must allow it */
        else if (wait->token)
            token = token_duplicate( wait->token, 0, wait->imp_level, NULL, NULL, 0, NULL, 0 );
        else if (client && client->token)
            token = token_duplicate( client->token, 0, client->imp_level, NULL, NULL, 0, NULL, 0 );
        else
            token = token_duplicate( thread_get_impersonation_token( wait->thread ), 0,
                                     client ? client->imp_level : SecurityImpersonation,
                                     NULL, NULL, 0, NULL, 0 );
        if (token)
        {
            if (current->token) release_object( current->token );
            current->token = token;
        }
    }
    release_object( port );
}

/* the port that would receive the system's hard errors */
DECL_HANDLER(alpc_set_hard_error_port)
{
    static const struct luid tcb_privilege = { 7, 0 };  /* SeTcbPrivilege */
    struct alpc_port *port;

    if (!thread_single_check_privilege( current, tcb_privilege ))
    {
        set_error( STATUS_PRIVILEGE_NOT_HELD );
        return;
    }
    if (!(port = get_port_obj( current->process, req->handle, 0 ))) return;
    if (hard_error_port) set_error( STATUS_UNSUCCESSFUL );
    else hard_error_port = (struct alpc_port *)grab_object( port );
    release_object( port );
}
