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
#include "alpc_private.h"


#define PORT_CONNECT     0x0001
#define PORT_ALL_ACCESS  (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | PORT_CONNECT)

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

/* a port to notify when a thread ends (NtRegisterThreadTerminatePort) */
struct terminate_port
{
    struct list       entry;           /* in its thread's terminate_ports */
    struct alpc_port *port;
    struct port_msg  *died_msg;        /* LPC_CLIENT_DIED, to send then */
};

/* connection requests not answered yet, by MessageId: NtAcceptConnectPort names
 * one without its connection port */
#define CONNECT_HASH_SIZE 64
static struct list connect_hash[CONNECT_HASH_SIZE];
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
    list_init( &port->connecting );
    list_init( &port->connect_entry );
    list_init( &port->hash_entry );
    list_init( &port->waiter_entry );
    list_init( &port->waits );
    list_init( &port->requests );
    list_init( &port->handles );
    list_init( &port->mapped_views );
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

struct port_thread *get_port_thread( struct thread *thread )
{
    struct port_thread *pt = thread->port_thread;

    if (pt || !(pt = mem_alloc( sizeof(*pt) ))) return pt;
    list_init( &pt->waits );
    list_init( &pt->callbacks );
    list_init( &pt->terminate_ports );
    list_init( &pt->connecting );
    return thread->port_thread = pt;
}

static struct list *connect_bucket( unsigned int msg_id )
{
    static int initialized;
    unsigned int i;

    if (!initialized)
    {
        for (i = 0; i < CONNECT_HASH_SIZE; i++) list_init( &connect_hash[i] );
        initialized = 1;
    }
    return &connect_hash[msg_id % CONNECT_HASH_SIZE];
}

static int port_signaled( struct object *obj, struct wait_queue_entry *entry )
{
    return port_ready( obj, get_wait_queue_thread( entry ));
}

static void decide_connection( struct alpc_port *client, unsigned int status )
{
    struct port_msg *msg = client->connect_msg;

    list_remove( &client->connect_entry );
    list_init( &client->connect_entry );
    list_remove( &client->hash_entry );
    list_init( &client->hash_entry );
    if (msg)
    {
        unqueue_msg( client->conn, msg );  /* which forgets client->connect_msg */
        port_msg_free( msg );
    }
    client->connect_status = status;
    wake_port( client );
}

/* flush: what the client left queued is cancelled, unless NtAlpcDisconnectPort said not to */
static void disconnect( struct alpc_port *server, struct alpc_port *client, int flush )
{
    cancel_queued( client, flush );
    server->peer = NULL;
    client->peer = NULL;
    if (server->completing == client)
    {
        server->completing = NULL;
        client->connect_status = STATUS_PORT_CONNECTION_REFUSED;
    }
    end_port_waits( client );
    end_port_waits( server );
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
    struct alpc_port *other, *next;

    port->closed = 1;
    free_records( port );
    if (port == hard_error_port)
    {
        /* its reference must not keep it, and its owner, past the last handle */
        hard_error_port = NULL;
        release_object( port );
    }
    end_port_waits( port );
    end_port_requests( port );

    switch (port->kind)
    {
    case PORT_CONNECTION:
        unlink_named_object( &port->obj );
        LIST_FOR_EACH_ENTRY_SAFE( other, next, &port->connecting, struct alpc_port, connect_entry )
            decide_connection( other, STATUS_PORT_CONNECTION_REFUSED );
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
    list_remove( &port->hash_entry );
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
static void close_connect_handles( struct thread *thread, struct port_thread *pt )
{
    struct alpc_port *port, *next;
    unsigned int error = get_error();

    LIST_FOR_EACH_ENTRY_SAFE( port, next, &pt->connecting, struct alpc_port, waiter_entry )
    {
        struct object *obj;

        list_remove( &port->waiter_entry );
        list_init( &port->waiter_entry );
        if (!(obj = get_handle_obj( thread->process, port->connect_handle, 0, &port_ops ))) continue;
        if (obj == &port->obj) close_handle( thread->process, port->connect_handle );
        release_object( obj );
    }
    set_error( error );
}

/* tell a port registered with NtRegisterThreadTerminatePort that its thread ended */
static void notify_terminate_port( struct thread *thread, struct terminate_port *reg )
{
    struct alpc_port *port = reg->port, *target = NULL;
    client_ptr_t context = 0;

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

/* the thread ended: send LPC_CLIENT_DIED where it asked, drop what it waited for */
void port_thread_terminated( struct thread *thread )
{
    struct port_thread *pt = thread->port_thread;
    struct terminate_port *reg, *next_reg;

    if (pt)
    {
        thread->port_thread = NULL;
        LIST_FOR_EACH_ENTRY_SAFE( reg, next_reg, &pt->terminate_ports, struct terminate_port, entry )
            notify_terminate_port( thread, reg );
        end_thread_waits( pt );
        close_connect_handles( thread, pt );
        free( pt );
    }
    port_wake_thread_terminated( thread );
}

/* whether the ClientId a caller names must be the sender's: ALPC names a message by
 * its MessageId (and CallbackId) on the port alone (openvmm replies and accepts with
 * a header that holds nothing else), LPC by its ClientId too */
int cid_matches( const struct alpc_port *port, process_id_t pid, thread_id_t tid,
                        process_id_t sender_pid, thread_id_t sender_tid )
{
    return !(port->flags & ALPC_PORFLG_LPC_MODE) || (pid == sender_pid && tid == sender_tid);
}

/* a connection request taken from its queue and not answered yet, through its
 * connection port if one is given */
static struct alpc_port *find_connecting( struct alpc_port *conn, unsigned int msg_id, process_id_t pid,
                                          thread_id_t tid )
{
    struct alpc_port *client;

    LIST_FOR_EACH_ENTRY( client, connect_bucket( msg_id ), struct alpc_port, hash_entry )
    {
        if (client->connect_id == msg_id && !client->connect_msg && (!conn || client->conn == conn) &&
            cid_matches( client->conn, pid, tid, client->connect_pid, client->connect_tid ))
            return client;
    }
    return NULL;
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
    struct port_thread *pt;

    if (!objattr) return;
    if (!(pt = get_port_thread( current ))) return;
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
                msg->id         = next_msg_id();
                client->connect_id = msg->id;
                list_add_tail( &conn->connecting, &client->connect_entry );
                list_add_tail( connect_bucket( msg->id ), &client->hash_entry );
                if (client->connect_waiting) list_add_tail( &pt->connecting, &client->waiter_entry );
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

    client = find_connecting( conn, req->msg_id, req->client_pid, req->client_tid );
    if (conn) release_object( conn );
    if (!client || client->conn->owner != current->process)
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
        list_remove( &client->hash_entry );
        list_init( &client->hash_entry );
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
    struct alpc_port *client;
    struct port_wait *wait;
    struct thread *thread;

    if (port->kind != PORT_CLIENT && (client = find_connecting( receive_port( port ), msg_id, pid, tid )))
    {
        if (!(thread = get_thread_from_id( client->connect_tid ))) set_error( STATUS_INVALID_CID );
        return thread;
    }
    if (!(wait = find_received( port, msg_id, 0, pid, tid ))) return NULL;
    return (struct thread *)grab_object( wait_thread( wait ));
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
    struct port_thread *pt;
    struct terminate_port *reg;

    if (!port) return;
    if ((pt = get_port_thread( current )) && (reg = mem_alloc( sizeof(*reg) )))
    {
        if ((reg->died_msg = alloc_notification( PORT_MSG_CLIENT_DIED )))
        {
            reg->port = (struct alpc_port *)grab_object( port );
            list_add_tail( &pt->terminate_ports, &reg->entry );
        }
        else free( reg );
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
