/*
 * What port messages carry: handles, views, port sections, security contexts
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
 * Handles and views travel with a message as objects and are made in the
 * receiver when it takes the message; a received message that passed them is
 * kept (a record on the port it was received through) until it is replied to
 * or released.  Port sections, security contexts and resource reserves are
 * ALPC handles, which live here, not in the process' handle table.
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/mman.h>
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
#include "security.h"
#include "port_msg.h"
#include "alpc_private.h"

/* What NtAlpcCreatePortSection, NtAlpcCreateSecurityContext and
 * NtAlpcCreateResourceReserve return: ALPC handles, which are not NT handles.
 * A resource reserve holds nothing, since sends here do not fail for lack of
 * memory; it is only a handle to give back. */
struct alpc_handle
{
    struct list       entry;           /* in the handles of the port it was made through */
    unsigned int      kind;            /* ALPC_HANDLE_* */
    unsigned int      id;
    struct object    *obj;             /* a section's mapping, a security context's token */
    mem_size_t        size;            /* a section's usable size */
    int               imp_level;       /* a security context's level */
    int               revoked;         /* a security context no longer usable */
    int               secure;          /* a section whose views may be sent secured */
};

/* the views of port sections a process mapped: the view attribute names a view by its base */
struct port_view
{
    struct list       entry;           /* in its process's port_views */
    struct list       port_entry;      /* in its port's mapped_views */
    struct alpc_port *port;            /* the port it was mapped through */
    struct process   *process;         /* where it is mapped */
    client_ptr_t      base;
    mem_size_t        size;
    struct object    *mapping;
};


/* the views of a connection go with its ports, as on Windows */
void unmap_views( struct alpc_port *port )
{
    struct process *process = port->kind == PORT_CLIENT ? port->process : port->conn ? port->conn->owner : NULL;
    apc_call_t call;
    unsigned int i;

    memset( &call, 0, sizeof(call) );
    call.unmap_view.type = APC_UNMAP_VIEW;
    /* a client that never learned its connection succeeded unmaps its own view */
    for (i = port->connect_waiting ? 1 : 0; i < ARRAY_SIZE(port->views); i++)
    {
        if (!port->views[i] || !process) continue;
        call.unmap_view.addr = port->views[i];
        thread_queue_apc( process, NULL, NULL, &call );
    }
}

static void free_port_view( struct port_view *view )
{
    list_remove( &view->entry );
    list_remove( &view->port_entry );
    release_object( view->mapping );
    release_object( view->process );
    free( view );
}

static struct port_view *find_port_view( struct process *process, client_ptr_t base )
{
    struct port_view *view;

    LIST_FOR_EACH_ENTRY( view, &process->port_views, struct port_view, entry )
        if (view->base == base) return view;
    return NULL;
}

/* a view released for its process (ALPC_VIEWFLG_AUTO_RELEASE), if it is still mapped there */
static void unmap_port_view( struct process *process, client_ptr_t base, struct object *mapping )
{
    struct port_view *view = find_port_view( process, base );
    apc_call_t call;

    if (!view || view->mapping != mapping) return;
    free_port_view( view );
    memset( &call, 0, sizeof(call) );
    call.unmap_view.type = APC_UNMAP_VIEW;
    call.unmap_view.addr = base;
    thread_queue_apc( process, NULL, NULL, &call );
}

static void free_alpc_handle( struct alpc_handle *handle )
{
    list_remove( &handle->entry );
    if (handle->obj) release_object( handle->obj );
    free( handle );
}

static struct alpc_handle *create_alpc_handle( struct alpc_port *port, unsigned int kind, struct object *obj )
{
    static unsigned int last_id;
    struct alpc_handle *handle;

    if (!(handle = mem_alloc( sizeof(*handle) ))) return NULL;
    handle->kind      = kind;
    handle->id        = port_next_id( &last_id );
    handle->obj       = obj ? grab_object( obj ) : NULL;
    handle->size      = 0;
    handle->imp_level = 0;
    handle->revoked   = 0;
    list_add_tail( &port->handles, &handle->entry );
    return handle;
}

/* an ALPC handle is good only through the port it was made through */
static struct alpc_handle *get_alpc_handle( struct alpc_port *port, unsigned int id, unsigned int kind )
{
    struct alpc_handle *handle;

    LIST_FOR_EACH_ENTRY( handle, &port->handles, struct alpc_handle, entry )
        if (handle->id == id && handle->kind == kind) return handle;
    set_error( STATUS_INVALID_HANDLE );
    return NULL;
}

/* a section a port view may map: the caller must be able to map it read-write */
struct object *get_section_obj( struct process *process, obj_handle_t handle, unsigned int access )
{
    struct object *obj = get_handle_obj( process, handle, access, NULL );

    if (obj && obj->ops->type != &mapping_type)
    {
        release_object( obj );
        set_error( STATUS_OBJECT_TYPE_MISMATCH );
        return NULL;
    }
    return obj;
}

static void free_msg_attach( void *ptr )
{
    struct msg_attach *attach = ptr;
    unsigned int i;

    if (attach->release_process)
    {
        unmap_port_view( attach->release_process, attach->release_base, attach->release_mapping );
        release_object( attach->release_process );
    }
    if (attach->release_mapping) release_object( attach->release_mapping );
    for (i = 0; i < attach->count; i++) release_object( attach->handles[i].obj );
    if (attach->view) release_object( attach->view );
    if (attach->token) release_object( attach->token );
    if (attach->event) release_object( attach->event );
    free( attach );
}

void free_record( struct port_record *record )
{
    list_remove( &record->entry );
    free_msg_attach( record->attach );
    free( record );
}

void free_records( struct alpc_port *port )
{
    struct port_record *record, *next;

    LIST_FOR_EACH_ENTRY_SAFE( record, next, &port->records, struct port_record, entry ) free_record( record );
}

static struct port_record *find_record_on( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                           int any_callback )
{
    struct port_record *record;

    LIST_FOR_EACH_ENTRY( record, &port->records, struct port_record, entry )
        if (record->msg_id == msg_id && (any_callback || record->callback_id == callback_id)) return record;
    return NULL;
}

/* a message kept for what it carries, received through the port or through another
 * port of the same connection (as a reply may go through either) */
struct port_record *find_record( struct alpc_port *port, unsigned int msg_id, unsigned int callback_id,
                                        int any_callback )
{
    struct port_record *record;
    struct alpc_port *server;

    if ((record = find_record_on( port, msg_id, callback_id, any_callback ))) return record;
    if (port->kind == PORT_SERVER && port->conn)
        return find_record_on( port->conn, msg_id, callback_id, any_callback );
    if (port->kind != PORT_CONNECTION) return NULL;
    LIST_FOR_EACH_ENTRY( server, &port->server_ports, struct alpc_port, conn_entry )
        if ((record = find_record_on( server, msg_id, callback_id, any_callback ))) return record;
    return NULL;
}

/* whether a message taken from a queue is kept for what it passes: an ALPC request,
 * datagram or reply with handles or a view, taken by a receiver that asked for them */
int keeps_record( const struct alpc_port *port, const struct port_msg *msg, unsigned int want )
{
    const struct msg_attach *attach = msg->attach;

    return !(port->flags & ALPC_PORFLG_LPC_MODE) && attach &&
           (((want & PORT_WANT_HANDLES) && attach->count) || ((want & PORT_WANT_VIEW) && attach->view)) &&
           (msg->type == PORT_MSG_REQUEST || msg->type == PORT_MSG_DATAGRAM || msg->type == PORT_MSG_REPLY);
}

/* the message's objects move to a record of the port it was received through */
void keep_record( struct alpc_port *port, struct port_record *record, struct port_msg *msg )
{
    record->msg_id      = msg->id;
    record->callback_id = msg->callback_id;
    record->attach      = msg->attach;
    msg->attach = NULL;
    list_add_tail( &port->records, &record->entry );
}

/* ALPC_VIEWFLG_UNMAP_EXISTING in a reply: the replier's view of the message it answers
 * is forgotten here, and ntdll unmaps it */
client_ptr_t take_received_view( struct port_record *record )
{
    struct port_view *view;
    client_ptr_t base = record->recv_view;

    record->recv_view = 0;
    if (!base || !(view = find_port_view( current->process, base ))) return 0;
    free_port_view( view );
    return base;
}

/* the ALPC_PORFLG_OBJECT_TYPE_* bit of an object */
static unsigned int object_type_bit( struct object *obj )
{
    static const struct { struct type_descr *type; unsigned int bit; } bits[] =
    {
        { &file_type, 0x0001 }, { &thread_type, 0x0004 }, { &semaphore_type, 0x0008 },
        { &event_type, 0x0010 }, { &process_type, 0x0020 }, { &mutex_type, 0x0040 },
        { &mapping_type, 0x0080 }, { &key_type, 0x0100 }, { &token_type, 0x0200 },
        { &job_type, 0x0800 },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bits); i++) if (obj->ops->type == bits[i].type) return bits[i].bit;
    return 0;
}

/* take the sender's objects for the handles a message passes, as the receiving port allows */
static int attach_handles( struct msg_attach *attach, struct alpc_port *target, const port_handle_t *handles,
                           unsigned int count )
{
    unsigned int i, bit;

    if (count > PORT_MAX_HANDLES || !(target->flags & ALPC_PORFLG_ALLOW_DUP_OBJECT) ||
        (count > 1 && !(target->flags & ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE)))
    {
        set_error( STATUS_INVALID_PARAMETER );
        return 0;
    }
    for (i = 0; i < count; i++)
    {
        struct object *obj = get_handle_obj( current->process, handles[i].handle, 0, NULL );

        if (!obj) return 0;
        attach->handles[attach->count++].obj = obj;
        bit = object_type_bit( obj );
        if (handles[i].type && handles[i].type != bit)
        {
            set_error( STATUS_OBJECT_TYPE_MISMATCH );
            return 0;
        }
        if (!(bit & target->dup_types))
        {
            set_error( STATUS_INVALID_PARAMETER );
            return 0;
        }
        attach->handles[i].flags  = handles[i].flags;
        attach->handles[i].type   = bit;
        attach->handles[i].access = get_handle_access( current->process, handles[i].handle );
        if (!(handles[i].flags & ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS))
        {
            /* more access than the sender has needs the object's consent, as for NtDuplicateObject */
            unsigned int access = obj->ops->map_access( obj, handles[i].access );

            if ((access & ~attach->handles[i].access) && !check_object_access( NULL, obj, &access )) return 0;
            attach->handles[i].access = access;
        }
        attach->handles[i].attributes = (handles[i].flags & ALPC_HANDLEFLG_DUPLICATE_INHERIT) ? OBJ_INHERIT : 0;
    }
    return 1;
}

/* whether a mapping is that of a port section made secure (ALPC_CREATEPORTSECTIONFLG_SECURE) */
static int section_is_secure( struct alpc_port *port, struct object *mapping )
{
    struct alpc_handle *handle;

    LIST_FOR_EACH_ENTRY( handle, &port->handles, struct alpc_handle, entry )
        if (handle->kind == ALPC_HANDLE_SECTION && handle->obj == mapping && handle->secure) return 1;
    return 0;
}

/* A secured view (ALPC_VIEWFLG_SECURED_ACCESS) may not change while the receiver
 * holds it, whatever the sender does with its own: the receiver gets a copy of
 * its contents as they are when it is sent, in a section of its own. */
static struct object *copy_view( struct object *section, mem_size_t size )
{
    static const mem_size_t chunk = 0x10000;
    struct object *copy = NULL;
    struct mapping *mapping;
    struct fd *fd, *copy_fd;
    char *buffer;
    mem_size_t pos;
    ssize_t done;
    int src, dst;

    if (!(fd = get_obj_fd( section ))) return NULL;
    src = get_unix_fd( fd );
    if (src == -1 || !(buffer = mem_alloc( chunk )))
    {
        release_object( fd );
        return NULL;
    }
#ifdef __linux__
    dst = memfd_create( "wine-alpc-secured-view", MFD_CLOEXEC );
#else
    dst = -1;
    errno = ENOSYS;
#endif
    if (dst == -1 || ftruncate( dst, size ) == -1)
    {
        file_set_error();
        goto done;
    }
    for (pos = 0; pos < size; pos += done)
    {
        if ((done = pread( src, buffer, min( chunk, size - pos ), pos )) <= 0) break;
        if (pwrite( dst, buffer, done, pos ) != done) break;
    }
    if (pos < size)
    {
        if (done < 0) file_set_error();
        else set_error( STATUS_SECTION_TOO_BIG );
        goto done;
    }
    /* an fd of no object's yet, which the mapping takes as its own */
    if ((copy_fd = create_anonymous_fd( NULL, dst, NULL, FILE_SYNCHRONOUS_IO_NONALERT )))
    {
        if ((mapping = create_fd_mapping( NULL, NULL, copy_fd, 0, NULL ))) copy = (struct object *)mapping;
        release_object( copy_fd );
    }
    dst = -1;  /* the fd object owns it now */
done:
    if (dst != -1) close( dst );
    free( buffer );
    release_object( fd );
    return copy;
}

/* the section of a view of the sender's that a message passes */
static int attach_view( struct msg_attach *attach, client_ptr_t base, unsigned int flags )
{
    struct port_view *view = find_port_view( current->process, base );

    if (!view)
    {
        set_error( STATUS_INVALID_PARAMETER );
        return 0;
    }
    if (flags & ALPC_VIEWFLG_SECURED_ACCESS)
    {
        /* guess: only a secure section's views can be (openvmm says so of Windows) */
        if (!section_is_secure( view->port, view->mapping ))
        {
            set_error( STATUS_INVALID_PARAMETER );
            return 0;
        }
        if (!(attach->view = copy_view( view->mapping, view->size ))) return 0;
    }
    else attach->view = grab_object( view->mapping );
    attach->view_size  = view->size;
    attach->view_flags = flags;
    if (flags & ALPC_VIEWFLG_AUTO_RELEASE)
    {
        attach->release_base    = base;
        attach->release_mapping = grab_object( view->mapping );
    }
    return 1;
}

/* the message is on its way: a view it passes with ALPC_VIEWFLG_AUTO_RELEASE goes with it
 * (until then, a send that fails leaves the sender its view) */
void release_view_with( struct port_msg *msg )
{
    struct msg_attach *attach = msg->attach;

    if (attach && attach->release_base && !attach->release_process)
        attach->release_process = (struct process *)grab_object( current->process );
}

/* the token a message is sent under */
static struct token *get_send_token( struct alpc_port *port, unsigned int context, int *imp_level )
{
    struct alpc_handle *security;

    if (!context) return (struct token *)grab_object( thread_get_impersonation_token( current ));
    if (!(security = get_alpc_handle( port, context, ALPC_HANDLE_SECURITY ))) return NULL;
    if (security->revoked)
    {
        set_error( STATUS_INVALID_HANDLE );
        return NULL;
    }
    *imp_level = security->imp_level;
    return (struct token *)grab_object( security->obj );
}

/* build what an ALPC message carries from the sender's description */
int attach_msg( struct port_msg *msg, struct alpc_port *port, struct alpc_port *target, const void *data,
                       data_size_t size )
{
    port_send_attach_t info;
    port_handle_t handles[PORT_MAX_HANDLES];
    struct msg_attach *attach;

    /* it follows the message data in the request: copied out, as it need not be aligned */
    if (size >= sizeof(info)) memcpy( &info, data, sizeof(info) );
    if (size < sizeof(info) || info.handle_count > PORT_MAX_HANDLES ||
        (size - sizeof(info)) / sizeof(handles[0]) < info.handle_count)
    {
        set_error( STATUS_INVALID_PARAMETER );
        return 0;
    }
    memcpy( handles, (const char *)data + sizeof(info), info.handle_count * sizeof(handles[0]) );
    if (!(attach = mem_alloc( offsetof( struct msg_attach, handles[max( info.handle_count, 1 )] ))))
        return 0;
    memset( attach, 0, offsetof( struct msg_attach, handles[0] ));
    msg->attach      = attach;
    msg->free_attach = free_msg_attach;
    attach->ticket   = info.ticket;
    if (!(attach->token = get_send_token( port, info.context, &attach->imp_level ))) return 0;
    attach->context  = info.context != 0;
    if (info.handle_count && !attach_handles( attach, target, handles, info.handle_count )) return 0;
    if (info.view_flags & ~(ALPC_VIEWFLG_UNMAP_EXISTING | ALPC_VIEWFLG_AUTO_RELEASE | ALPC_VIEWFLG_SECURED_ACCESS) ||
        (!info.view && (info.view_flags & ~ALPC_VIEWFLG_UNMAP_EXISTING)))
    {
        set_error( STATUS_INVALID_PARAMETER );
        return 0;
    }
    attach->unmap_existing = !!(info.view_flags & ALPC_VIEWFLG_UNMAP_EXISTING);
    if (info.view && !attach_view( attach, info.view, info.view_flags )) return 0;
    if (info.event && !(attach->event = get_event_obj( current->process, info.event, EVENT_MODIFY_STATE )))
        return 0;
    return 1;
}

/* give the receiver what a message carries, after its data */
/* the data of a message for the receiver, followed by what it carries when something was
 * wanted; of a message kept for its handles, only a single one is made now (it goes in
 * the receiver's handle attribute), the others when the receiver asks for them */
int reply_msg_data( struct port_msg *msg, unsigned int want, data_size_t data_size, int kept )
{
    struct msg_attach *attach = msg->attach;
    unsigned int i, count = (attach && (want & PORT_WANT_HANDLES)) ? attach->count : 0;
    const struct sid *sid = (attach && (want & PORT_WANT_SENDER)) ? token_get_user( attach->token ) : NULL;
    data_size_t sid_size = sid ? sid_len( sid ) : 0;
    port_recv_attach_t info;
    port_handle_t handles[PORT_MAX_HANDLES];
    char *buffer;
    data_size_t extra = sizeof(info) + count * sizeof(handles[0]) + sid_size;

    /* a receiver that left no room for them gets the data alone */
    if (!attach || !want || extra > get_reply_max_size() - data_size)
    {
        set_reply_data( msg->data, data_size );
        return 0;
    }
    if (!(buffer = set_reply_data_size( data_size + extra ))) return 0;
    memcpy( buffer, msg->data, data_size );
    fill_recv_info( &info, attach, want, count, sid_size );
    info.kept = kept;
    for (i = 0; i < count; i++)
    {
        handles[i].flags  = attach->handles[i].flags;
        handles[i].type   = attach->handles[i].type;
        handles[i].access = attach->handles[i].access;
        handles[i].handle = 0;
        if (kept && count > 1) continue;
        handles[i].handle = alloc_handle_no_access_check( current->process, attach->handles[i].obj,
                                                          attach->handles[i].access,
                                                          attach->handles[i].attributes );
    }
    if ((want & PORT_WANT_VIEW) && attach->view)
    {
        info.view_flags = attach->view_flags;
        info.view_size  = attach->view_size;
        /* a secured view is the receiver's to read only */
        info.view = alloc_handle( current->process, attach->view,
                                  (attach->view_flags & ALPC_VIEWFLG_SECURED_ACCESS) ? SECTION_MAP_READ
                                  : SECTION_MAP_READ | SECTION_MAP_WRITE, 0 );
    }
    put_recv_info( buffer + data_size, &info, handles, sid );
    clear_error();  /* a handle that could not be made stays 0 */
    return 1;
}

/* make a section usable for views passed through a port */
/* the port sections made through a port, together */
static mem_size_t port_sections_size( struct alpc_port *port )
{
    struct alpc_handle *handle;
    mem_size_t total = 0;

    LIST_FOR_EACH_ENTRY( handle, &port->handles, struct alpc_handle, entry )
        if (handle->kind == ALPC_HANDLE_SECTION) total += handle->size;
    return total;
}

DECL_HANDLER(alpc_create_section)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct alpc_handle *section;
    struct object *mapping;

    if (!port) return;
    if (port->max_section && req->size > port->max_section) set_error( STATUS_SECTION_TOO_BIG );
    else if (port->max_total && (req->size > port->max_total ||
                                 port_sections_size( port ) > port->max_total - req->size))
        set_error( STATUS_QUOTA_EXCEEDED );
    else if ((mapping = get_section_obj( current->process, req->section,
                                         SECTION_MAP_READ | SECTION_MAP_WRITE )))
    {
        if ((section = create_alpc_handle( port, ALPC_HANDLE_SECTION, mapping )))
        {
            section->size   = req->size;
            section->secure = req->secure;
            reply->id = section->id;
        }
        release_object( mapping );
    }
    release_object( port );
}

/* a port section, to map a view of it */
DECL_HANDLER(alpc_get_section)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct alpc_handle *section;

    if (!port) return;
    if ((section = get_alpc_handle( port, req->id, ALPC_HANDLE_SECTION )))
    {
        reply->section = alloc_handle( current->process, section->obj, SECTION_MAP_READ | SECTION_MAP_WRITE, 0 );
        reply->size    = section->size;
        reply->max_view = port->max_view;
    }
    release_object( port );
}

DECL_HANDLER(alpc_set_limits)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );

    if (!port) return;
    port->max_section = req->max_section;
    port->max_view    = req->max_view;
    port->max_total   = req->max_total;
    release_object( port );
}

/* record a view of a port section mapped in the caller, or forget it */
DECL_HANDLER(alpc_set_view)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_view *view;
    struct object *mapping;

    if (!port) return;
    if (!req->section)
    {
        /* through the port it was mapped through, or another of the same connection port */
        LIST_FOR_EACH_ENTRY( view, &current->process->port_views, struct port_view, entry )
        {
            if (view->base != req->base ||
                receive_port( view->port ) != receive_port( port ))
                continue;
            free_port_view( view );
            release_object( port );
            return;
        }
        set_error( STATUS_INVALID_PARAMETER );
    }
    else if ((mapping = get_section_obj( current->process, req->section, SECTION_MAP_READ )))
    {
        if ((view = mem_alloc( sizeof(*view) )))
        {
            struct port_record *record;

            view->port    = port;
            view->process = (struct process *)grab_object( current->process );
            view->base    = req->base;
            view->size    = req->size;
            view->mapping = (struct object *)grab_object( mapping );
            list_add_tail( &current->process->port_views, &view->entry );
            list_add_tail( &port->mapped_views, &view->port_entry );
            /* a reply with ALPC_VIEWFLG_UNMAP_EXISTING unmaps it */
            if (req->msg_id && (record = find_record( port, req->msg_id, 0, 1 ))) record->recv_view = req->base;
        }
        release_object( mapping );
    }
    release_object( port );
}

/* capture the caller's security for messages sent under it (NtAlpcCreateSecurityContext) */
DECL_HANDLER(alpc_create_security)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct alpc_handle *security;
    struct token *token;

    if (!port) return;
    if (req->imp_level < SecurityAnonymous || req->imp_level > SecurityDelegation)
        set_error( STATUS_INVALID_PARAMETER );
    else if ((token = token_duplicate( thread_get_impersonation_token( current ), 0, req->imp_level,
                                       NULL, NULL, 0, NULL, 0 )))
    {
        if ((security = create_alpc_handle( port, ALPC_HANDLE_SECURITY, (struct object *)token )))
        {
            security->imp_level = req->imp_level;
            reply->id = security->id;
        }
        release_object( token );
    }
    release_object( port );
}

/* reserve room for a message */
DECL_HANDLER(alpc_create_reserve)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct alpc_handle *reserve;

    if (!port) return;
    if (req->size > port->max_msg_len) set_error( STATUS_INVALID_PARAMETER );
    else if ((reserve = create_alpc_handle( port, ALPC_HANDLE_RESERVE, NULL ))) reply->id = reserve->id;
    release_object( port );
}

/* delete an ALPC handle, or revoke a security context */
DECL_HANDLER(alpc_delete_handle)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct alpc_handle *handle;

    if (!port) return;
    if ((handle = get_alpc_handle( port, req->id, req->kind )))
    {
        if (req->revoke && handle->kind == ALPC_HANDLE_SECURITY) handle->revoked = 1;
        else if (req->revoke) set_error( STATUS_INVALID_PARAMETER );
        else free_alpc_handle( handle );
    }
    release_object( port );
}

/* a new handle to one of the objects a kept message passed (AlpcMessageHandleInformation) */
DECL_HANDLER(alpc_get_message_handle)
{
    struct alpc_port *port = get_port_obj( current->process, req->handle, 0 );
    struct port_record *record;

    if (!port) return;
    if (!(record = find_record( port, req->msg_id, 0, 1 ))) set_error( STATUS_NOT_FOUND );
    else if (req->index >= record->attach->count) set_error( STATUS_INVALID_PARAMETER );
    else
    {
        const struct msg_handle *handle = &record->attach->handles[req->index];

        reply->flags  = handle->flags;
        reply->type   = handle->type;
        reply->access = handle->access;
        reply->new_handle = alloc_handle_no_access_check( current->process, handle->obj, handle->access,
                                                          handle->attributes );
    }
    release_object( port );
}

/* a port goes: its ALPC handles and the views mapped through it */
void port_free_handles_and_views( struct alpc_port *port )
{
    struct alpc_handle *handle, *next_handle;
    struct port_view *view, *next_view;

    LIST_FOR_EACH_ENTRY_SAFE( handle, next_handle, &port->handles, struct alpc_handle, entry )
        free_alpc_handle( handle );
    LIST_FOR_EACH_ENTRY_SAFE( view, next_view, &port->mapped_views, struct port_view, port_entry )
        free_port_view( view );
}
