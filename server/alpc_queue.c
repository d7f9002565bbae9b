/*
 * Port messages: queues, requests waiting for replies, and their delivery
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
 * A message goes into the queue of the port that receives it (a connection
 * port for clients' messages, a client port for the server's).  A request's
 * sender waits for the reply in a port_wait, listed on the port it sent
 * through, on the port whose queue got it, and on its thread, so that a port
 * closing, a connection breaking or a thread ending finds what it ends
 * without a search.
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
#include "alpc_private.h"

/* a thread waiting for the reply to its request */
struct port_wait
{
    struct list       port_entry;      /* in port->waits */
    struct list       target_entry;    /* in target->requests */
    struct list       thread_entry;    /* a synchronous one in its thread's waits; an async one, once ended, in ended_waits */
    struct list       callee_entry;    /* a callback's: in its callee's callbacks */
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
    struct token     *sender;          /* ALPC: the token it was sent with (AlpcMessageSidInformation) */
    int               imp_level;
};

/* asynchronous requests that ended, to free */
static struct list ended_waits = LIST_INIT( ended_waits );
static unsigned int last_msg_id;
struct port_wait *find_wait( struct alpc_port *port, struct thread *thread )
{
    struct port_wait *wait;

    LIST_FOR_EACH_ENTRY( wait, &port->waits, struct port_wait, port_entry )
        if (wait->thread == thread && !wait->async) return wait;
    return NULL;
}

/* whether the thread, waiting on the port, would find what it waits for */
int port_ready( void *obj, struct thread *thread )
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
struct port_msg *new_msg( unsigned int type, const void *data, data_size_t size )
{
    struct port_msg *msg = port_msg_alloc( type, data, size );

    if (!msg) set_error( STATUS_NO_MEMORY );
    return msg;
}

/* wake the threads waiting on a port, in select or on their futex */
void wake_port( struct alpc_port *port )
{
    wake_up( &port->obj, 0 );
    port_wake_ready( &port->sleepers, port_ready, port );
}

/* wake the threads that may receive from a queue, through any port they wait on */
void wake_receivers( struct alpc_port *port )
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
    list_add_tail( &ended_waits, &wait->thread_entry );
    if (!free_waits_timeout) free_waits_timeout = add_timeout_user( 0, free_ended_waits_callback, NULL );
}

static void free_wait( struct port_wait *wait )
{
    if (wait->msg) wait->msg->sender = NULL;
    list_remove( &wait->port_entry );
    list_remove( &wait->target_entry );
    list_remove( &wait->thread_entry );
    list_remove( &wait->callee_entry );
    if (wait->reply) port_msg_free( wait->reply );
    if (wait->request) port_msg_free( wait->request );
    if (wait->callback) port_msg_free( wait->callback );
    if (wait->callee) release_object( wait->callee );
    if (wait->token) release_object( wait->token );
    if (wait->sender) release_object( wait->sender );
    release_object( wait->thread );
    release_object( wait->port );
    if (wait->target) release_object( wait->target );
    free( wait );
}

static void free_ended_waits(void)
{
    struct list *ptr;

    while ((ptr = list_head( &ended_waits ))) free_wait( LIST_ENTRY( ptr, struct port_wait, thread_entry ));
}

unsigned int next_msg_id(void)
{
    return port_next_id( &last_msg_id );
}

struct thread *wait_thread( struct port_wait *wait )
{
    return wait->thread;
}

/* the port goes, or its connection breaks: what was sent through it gets no reply */
void end_port_waits( struct alpc_port *port )
{
    struct port_wait *wait, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &port->waits, struct port_wait, port_entry )
        end_wait( wait, STATUS_PORT_DISCONNECTED );
}

/* the port goes: what was sent to it gets no reply */
void end_port_requests( struct alpc_port *port )
{
    struct port_wait *wait, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &port->requests, struct port_wait, target_entry )
        end_wait( wait, STATUS_PORT_DISCONNECTED );
}

/* the thread ended: nobody waits for its requests' replies, nor answers the callbacks sent to it */
void end_thread_waits( struct port_thread *pt )
{
    struct port_wait *wait, *next;

    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &pt->waits, struct port_wait, thread_entry )
        free_wait( wait );
    LIST_FOR_EACH_ENTRY_SAFE( wait, next, &pt->callbacks, struct port_wait, callee_entry )
    {
        list_remove( &wait->callee_entry );
        list_init( &wait->callee_entry );
        end_wait( wait, STATUS_PORT_DISCONNECTED );
    }
}

/* a message leaves its queue: let its sender's wait know */
void unqueue_msg( struct alpc_port *port, struct port_msg *msg )
{
    port_queue_remove( &port->queue, msg );
    if (msg->type == PORT_MSG_CONNECTION_REQUEST && msg->sender)
        ((struct alpc_port *)msg->sender)->connect_msg = NULL;
    else if (msg->sender)
        ((struct port_wait *)msg->sender)->msg = NULL;
}

/* empty a queue that nobody will read again; requesters are told the port went away */
void flush_queue( struct alpc_port *port )
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

int queue_msg( struct alpc_port *port, struct port_msg *msg )
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
struct port_msg *alloc_notification( unsigned int type )
{
    timeout_t time = 0;

    return new_msg( type, &time, sizeof(time) );
}

void queue_notification( struct alpc_port *port, struct port_msg *msg, client_ptr_t context,
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

/* break a connection from either end */
/* what a client sent and the server did not take yet stays queued; for ALPC
 * it becomes LPC_CANCELED (OV), and a sender waiting for a reply is told */
void cancel_queued( struct alpc_port *client, int flush )
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

/* a request received from a queue that still waits for its reply */
static struct port_wait *find_request( struct list *requests, const struct alpc_port *port, unsigned int msg_id,
                                       unsigned int callback_id, process_id_t pid, thread_id_t tid, int by_id )
{
    struct port_wait *wait;

    LIST_FOR_EACH_ENTRY( wait, requests, struct port_wait, target_entry )
    {
        /* ids wrap around after 2^32 messages: an old wait may hold the same one */
        if (wait->msg_id != msg_id || (!by_id && wait->callback_id != callback_id)) continue;
        if (wait->received && wait->status == STATUS_PENDING &&
            (by_id || cid_matches( port, pid, tid, wait->thread->process->id, wait->thread->id )))
            return wait;
    }
    return NULL;
}

/* a request that was received through a port and still waits for its reply: a
 * server port answers what its connection port received, and callbacks to itself */
struct port_wait *find_received( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                        process_id_t pid, thread_id_t tid )
{
    struct port_wait *wait = find_request( &port->requests, port, msg_id, callback_id, pid, tid, 0 );

    if (!wait && port->kind == PORT_SERVER)
        wait = find_request( &port->conn->requests, port, msg_id, callback_id, pid, tid, 0 );
    if (!wait) set_error( STATUS_REPLY_MESSAGE_MISMATCH );
    return wait;
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

static struct port_wait *create_wait( struct alpc_port *port, struct alpc_port *target, struct port_msg *msg,
                                      int async )
{
    struct port_thread *pt = NULL;
    struct port_wait *wait;

    /* a synchronous request goes when its thread does */
    if (!async && !(pt = get_port_thread( current ))) return NULL;
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
    wait->async    = async;
    wait->status   = STATUS_PENDING;
    wait->reply    = NULL;
    wait->token    = NULL;
    wait->sender   = NULL;
    msg->sender    = wait;
    list_add_tail( &port->waits, &wait->port_entry );
    list_add_tail( &target->requests, &wait->target_entry );
    if (pt) list_add_tail( &pt->waits, &wait->thread_entry );
    else list_init( &wait->thread_entry );
    list_init( &wait->callee_entry );
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
    if (get_error() || (type == PORT_MSG_REQUEST && !(wait = create_wait( port, target, msg, async ))))
    {
        port_msg_free( msg );
        return 0;
    }
    if (wait && msg->attach) wait->sender = (struct token *)grab_object( ((struct msg_attach *)msg->attach)->token );
    if (wait && msg->attach && ((struct msg_attach *)msg->attach)->context)
    {
        wait->token     = (struct token *)grab_object( ((struct msg_attach *)msg->attach)->token );
        wait->imp_level = ((struct msg_attach *)msg->attach)->imp_level;
    }
    /* queue_msg may hand the message to a sleeping receiver and free it */
    release_view_with( msg );
    msg->id = id = port_next_id( &last_msg_id );
    if (wait) wait->msg_id = id;
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
    struct port_record *record = NULL;
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
        /* a reply that passed handles or a view is kept as a received request is */
        else if (keeps_record( port, wait->reply, req->want ) && !(record = mem_alloc( sizeof(*record) )))
        {
            release_object( port );
            return;  /* the reply stays for another try */
        }
        else
        {
            reply->type       = PORT_MSG_REPLY;
            reply->msg_id     = wait->msg_id;
            reply->client_pid = wait->reply->client_pid;
            reply->client_tid = wait->reply->client_tid;
            reply->data_size  = min( wait->reply->size, get_reply_max_size() );
            if (!reply_msg_data( wait->reply, req->want, reply->data_size, record != NULL ) && record)
            {
                free( record );
                record = NULL;
            }
            if (record) keep_record( port, record, wait->reply );
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
    struct port_thread *callee;
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
        if (!(callee = get_port_thread( caller->thread )) || !(wait = create_wait( port, caller->port, msg, 0 )))
        {
            port_msg_free( msg );
            goto done;
        }
        wait->msg         = NULL;
        wait->received    = 1;
        wait->msg_id      = caller->msg_id;
        wait->callback_id = port_next_id( &last_callback_id );
        wait->callee      = (struct thread *)grab_object( caller->thread );
        list_add_tail( &callee->callbacks, &wait->callee_entry );
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

/* who sent a message the port still holds: one kept for what it passed, or a
 * request not replied to yet (AlpcMessageSidInformation and
 * AlpcMessageTokenModifiedIdInformation) */
DECL_HANDLER(alpc_get_message_sender)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_record *record;
    struct port_wait *wait;
    struct token *token = NULL;
    struct luid token_id;
    const struct sid *sid;

    if (!port) return;
    if ((record = find_record( port, req->msg_id, 0, 1 ))) token = record->attach->token;
    else if ((wait = find_request( &port->requests, port, req->msg_id, 0, 0, 0, 1 )) ||
             (port->kind == PORT_SERVER && (wait = find_request( &port->conn->requests, port, req->msg_id, 0, 0, 0, 1 ))))
        token = wait->sender;
    if (!token) set_error( STATUS_INVALID_PARAMETER );
    else
    {
        token_get_ids( token, &token_id, &reply->modified_id );
        if ((sid = token_get_user( token ))) set_reply_data( sid, min( sid_len( sid ), get_reply_max_size() ));
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

/* whether a cancel names a request its receiver holds */
static int cancel_held( const struct alpc_cancel_message_request *req, const struct port_wait *wait )
{
    return !wait->callback_id && wait->received && wait->status == STATUS_PENDING &&
           cancel_names( req, wait->msg_id, 0 );
}

static struct port_wait *find_held( struct list *requests, const struct alpc_cancel_message_request *req )
{
    struct port_wait *wait;

    LIST_FOR_EACH_ENTRY( wait, requests, struct port_wait, target_entry )
        if (cancel_held( req, wait )) return wait;
    return NULL;
}

/* cancel a message the caller sent, queued or held by its receiver, or drop or release
 * one it received; nothing here waits, so every cancel is one that only tries
 * (ALPC_CANCELFLG_TRY_CANCEL) */
DECL_HANDLER(alpc_cancel_message)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 ), *target;
    struct port_record *record;
    struct port_wait *wait;
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
    /* a request the caller's process sent through this port, which its receiver holds */
    LIST_FOR_EACH_ENTRY( wait, &port->waits, struct port_wait, port_entry )
    {
        if (wait->thread->process != current->process || !cancel_held( req, wait )) continue;
        end_wait( wait, STATUS_CANCELLED );
        goto done;
    }
    /* a request the caller received and will not answer */
    if ((wait = find_held( &port->requests, req )) ||
        (port->kind == PORT_SERVER && (wait = find_held( &port->conn->requests, req ))))
    {
        if ((record = find_record( port, wait->msg_id, 0, 0 ))) free_record( record );
        end_wait( wait, STATUS_CANCELLED );
        goto done;
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
    if (thread->port_thread) LIST_FOR_EACH_ENTRY( wait, &thread->port_thread->waits, struct port_wait, thread_entry )
    {
        if (wait->status != STATUS_PENDING) continue;
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
