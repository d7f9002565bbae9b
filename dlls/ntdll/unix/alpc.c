/*
 * ALPC ports
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

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/server.h"
#include "unix_private.h"
#include "port_private.h"
#include "../alpc_layout.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(alpc);

/* what an application may ask of a port; LPC_MODE and SYSTEM_PROCESS are the kernel's */
#define ALPC_PORFLG_VALID (ALPC_PORFLG_ALLOW_IMPERSONATION | ALPC_PORFLG_ALLOW_LPC_REQUESTS | \
                           ALPC_PORFLG_WAITABLE_PORT | ALPC_PORFLG_ALLOW_DUP_OBJECT | \
                           ALPC_PORFLG_WAKE_POLICY1 | ALPC_PORFLG_WAKE_POLICY2 | ALPC_PORFLG_WAKE_POLICY3 | \
                           ALPC_PORFLG_DIRECT_MESSAGE | ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE)

/* Windows takes any bit but SYSTEM_PROCESS (upstream Wine's alpc.c test, run on
 * Windows): the bits it has no use for here are dropped, LPC_MODE among them */
static NTSTATUS get_port_flags( const ALPC_PORT_ATTRIBUTES *port_attr, ULONG *flags )
{
    *flags = 0;
    if (!port_attr) return STATUS_SUCCESS;
    if (port_attr->Flags & ALPC_PORFLG_SYSTEM_PROCESS) return STATUS_INVALID_PARAMETER;
    *flags = port_attr->Flags & ALPC_PORFLG_VALID;
    return STATUS_SUCCESS;
}

/* the NtAlpcSendWaitReceivePort flags there are; WOW64_CALL's value differs between sources */
#define ALPC_MSGFLG_VALID (ALPC_MSGFLG_REPLY_MESSAGE | ALPC_MSGFLG_LPC_MODE | ALPC_MSGFLG_RELEASE_MESSAGE | \
                           ALPC_MSGFLG_SYNC_REQUEST | ALPC_MSGFLG_TRACK_PORT_REFERENCES | \
                           ALPC_MSGFLG_WAIT_USER_MODE | ALPC_MSGFLG_WAIT_ALERTABLE | \
                           ALPC_MSGFLG_WAIT_CHARGE_POLICY | ALPC_MSGFLG_WOW64_CALL | 0x40000000)

/* a message's data and its declared lengths, checked as the server will check them */
static NTSTATUS get_message( const PORT_MESSAGE *msg, const LPC_MESSAGE **lpc )
{
    *lpc = (const LPC_MESSAGE *)msg;
    if ((*lpc)->DataSize + PORT_HEADER_SIZE > (*lpc)->MessageSize) return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* the attribute blocks this implementation can fill or consume; bits that are no
 * attribute's take no room and are left alone (ALPC-Tools receives into a buffer of
 * AlpcInitializeMessageAttribute( 0xffffffff, ... ), which allocates all 32) */
static NTSTATUS check_attributes( const ALPC_MESSAGE_ATTRIBUTES *attr, BOOL send )
{
    if (!attr) return STATUS_SUCCESS;
    if (send && (attr->ValidAttributes & ~attr->AllocatedAttributes)) return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* what a message carries besides data, from its sender's attributes */
static NTSTATUS get_send_attach( const ALPC_MESSAGE_ATTRIBUTES *attr, struct port_attach *attach )
{
    port_send_attach_t *info = &attach->send;
    port_handle_t *handles = attach->handles;
    const ALPC_HANDLE_ATTR *handle;
    const ALPC_DATA_VIEW_ATTR *view;
    const ALPC_SECURITY_ATTR *security;
    const ALPC_DIRECT_ATTR *direct;
    const ALPC_WORK_ON_BEHALF_ATTR *wob;
    ULONG i, valid = attr ? attr->ValidAttributes : 0;

    memset( info, 0, sizeof(*info) );
    if ((valid & ALPC_MESSAGE_VIEW_ATTRIBUTE) &&
        (view = alpc_attr_block( (ALPC_MESSAGE_ATTRIBUTES *)attr, ALPC_MESSAGE_VIEW_ATTRIBUTE )))
    {
        /* a reply may send no view and only unmap the one it answers (openvmm) */
        if (!view->ViewBase && !(view->Flags & ALPC_VIEWFLG_UNMAP_EXISTING)) return STATUS_INVALID_PARAMETER;
        if (view->Flags & ~(ALPC_VIEWFLG_UNMAP_EXISTING | ALPC_VIEWFLG_AUTO_RELEASE | ALPC_VIEWFLG_SECURED_ACCESS))
            return STATUS_INVALID_PARAMETER;
        info->view       = wine_server_client_ptr( view->ViewBase );
        info->view_flags = view->Flags;
    }
    if ((valid & ALPC_MESSAGE_SECURITY_ATTRIBUTE) &&
        (security = alpc_attr_block( (ALPC_MESSAGE_ATTRIBUTES *)attr, ALPC_MESSAGE_SECURITY_ATTRIBUTE )))
        info->context = HandleToULong( security->ContextHandle );
    if ((valid & ALPC_MESSAGE_DIRECT_ATTRIBUTE) &&
        (direct = alpc_attr_block( (ALPC_MESSAGE_ATTRIBUTES *)attr, ALPC_MESSAGE_DIRECT_ATTRIBUTE )))
        info->event = wine_server_obj_handle( direct->Event );
    if ((valid & ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE) &&
        (wob = alpc_attr_block( (ALPC_MESSAGE_ATTRIBUTES *)attr, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE )))
        memcpy( &info->ticket, &wob->Ticket, sizeof(wob->Ticket) );
    if (!(valid & ALPC_MESSAGE_HANDLE_ATTRIBUTE)) return STATUS_SUCCESS;

    handle = alpc_attr_block( (ALPC_MESSAGE_ATTRIBUTES *)attr, ALPC_MESSAGE_HANDLE_ATTRIBUTE );
    if (!(handle->Flags & ALPC_HANDLEFLG_INDIRECT))
    {
        handles[0].handle = wine_server_obj_handle( handle->Handle );
        handles[0].flags  = handle->Flags;
        handles[0].type   = handle->ObjectType;
        handles[0].access = handle->DesiredAccess;
        info->handle_count = 1;
        return STATUS_SUCCESS;
    }
    if (!handle->HandleCount || handle->HandleCount > PORT_MAX_HANDLES || !handle->HandleAttrArray)
        return STATUS_INVALID_PARAMETER;
    for (i = 0; i < handle->HandleCount; i++)
    {
        handles[i].handle = handle->HandleAttrArray[i].Handle;
        handles[i].flags  = handle->HandleAttrArray[i].Flags;
        handles[i].type   = handle->HandleAttrArray[i].ObjectType;
        handles[i].access = handle->HandleAttrArray[i].DesiredAccess;
    }
    info->handle_count = handle->HandleCount;
    return STATUS_SUCCESS;
}

/* what the receiver takes besides data; the sender's token ids always come, for the token attribute */
static void init_recv_attach( const ALPC_MESSAGE_ATTRIBUTES *attr, struct port_attach *attach )
{
    attach->want = PORT_WANT_SENDER;
    if (attr && (attr->AllocatedAttributes & ALPC_MESSAGE_HANDLE_ATTRIBUTE)) attach->want |= PORT_WANT_HANDLES;
    if (attr && (attr->AllocatedAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE)) attach->want |= PORT_WANT_VIEW;
    attach->received = FALSE;
}

/* Who sent a message the port holds, as wineserver keeps it: its sender's SID
 * (when sid_len is given) or its token's ModifiedId.  The caller's buffers are
 * written after the request: they may fault. */
static NTSTATUS get_message_sender( HANDLE port, ULONG msg_id, SID *sid, ULONG *sid_len, LUID *modified_id )
{
    unsigned char kept[SECURITY_MAX_SID_SIZE];
    struct luid luid = { 0 };
    ULONG len = 0;
    NTSTATUS ret;

    SERVER_START_REQ( alpc_get_message_sender )
    {
        req->handle = wine_server_obj_handle( port );
        req->msg_id = msg_id;
        wine_server_set_reply( req, kept, sizeof(kept) );
        if (!(ret = wine_server_call( req )))
        {
            luid = reply->modified_id;
            len  = wine_server_reply_size( reply );
        }
    }
    SERVER_END_REQ;
    if (ret) return ret;

    if (modified_id)
    {
        modified_id->LowPart  = luid.low_part;
        modified_id->HighPart = luid.high_part;
    }
    else
    {
        if (!len) ret = STATUS_NOT_FOUND;
        else if (*sid_len < len) ret = STATUS_BUFFER_TOO_SMALL;
        else memcpy( sid, kept, len );
        *sid_len = len;
    }
    return ret;
}

/* the receiver's handle attribute: one handle in place, several through NtAlpcQueryInformationMessage */
static void set_handle_attribute( ALPC_MESSAGE_ATTRIBUTES *attr, const struct port_attach *attach )
{
    const port_handle_t *handles = attach->handles;
    ULONG count = attach->recv.handle_count;
    ALPC_HANDLE_ATTR *handle;

    if (!count || !(handle = alpc_attr_block( attr, ALPC_MESSAGE_HANDLE_ATTRIBUTE ))) return;
    memset( handle, 0, sizeof(*handle) );
    if (count == 1)
    {
        /* the third field holds the count here too: openvmm, whose tests run on
         * Windows, reads it as HandleCount and asks for that many handles */
        handle->Flags         = handles[0].flags;
        handle->Handle        = wine_server_ptr_handle( handles[0].handle );
        handle->HandleCount   = 1;
        handle->GrantedAccess = handles[0].access;
    }
    else
    {
        handle->Flags       = ALPC_HANDLEFLG_INDIRECT;
        handle->HandleCount = count;
    }
    attr->ValidAttributes |= ALPC_MESSAGE_HANDLE_ATTRIBUTE;
}

/* the receiver's token and work-on-behalf attributes: who sent the message */
static void set_sender_attributes( ALPC_MESSAGE_ATTRIBUTES *attr, const struct port_attach *attach )
{
    ALPC_TOKEN_ATTR *token;
    ALPC_WORK_ON_BEHALF_ATTR *wob;

    if ((token = alpc_attr_block( attr, ALPC_MESSAGE_TOKEN_ATTRIBUTE )))
    {
        memset( token, 0, sizeof(*token) );  /* Wine's tokens have no authentication id */
        token->TokenId.LowPart     = attach->recv.token_id.low_part;
        token->TokenId.HighPart    = attach->recv.token_id.high_part;
        token->ModifiedId.LowPart  = attach->recv.modified_id.low_part;
        token->ModifiedId.HighPart = attach->recv.modified_id.high_part;
        attr->ValidAttributes |= ALPC_MESSAGE_TOKEN_ATTRIBUTE;
    }
    if (attach->recv.ticket && (wob = alpc_attr_block( attr, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE )))
    {
        memcpy( &wob->Ticket, &attach->recv.ticket, sizeof(wob->Ticket) );
        attr->ValidAttributes |= ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE;
    }
}

/* map a view of a port section and tell wineserver, which names views by their base;
 * msg_id is the received message's whose view it is (the receiver deletes it with
 * NtAlpcDeleteSectionView, or a reply with ALPC_VIEWFLG_UNMAP_EXISTING), or 0 */
static NTSTATUS map_port_view( HANDLE port, HANDLE section, SIZE_T size, ULONG protect, ULONG msg_id,
                               void **base )
{
    LARGE_INTEGER offset;
    NTSTATUS ret;

    offset.QuadPart = 0;
    *base = NULL;
    if ((ret = NtMapViewOfSection( section, NtCurrentProcess(), base, 0, 0, &offset, &size, ViewUnmap,
                                   0, protect )))
        return ret;
    SERVER_START_REQ( alpc_set_view )
    {
        req->handle  = wine_server_obj_handle( port );
        req->section = wine_server_obj_handle( section );
        req->base    = wine_server_client_ptr( *base );
        req->size    = size;
        req->msg_id  = msg_id;
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    if (ret) NtUnmapViewOfSection( NtCurrentProcess(), *base );
    return ret;
}

static void set_view_attribute( HANDLE port, ALPC_MESSAGE_ATTRIBUTES *attr, const LPC_MESSAGE *msg,
                                const struct port_attach *attach )
{
    ALPC_DATA_VIEW_ATTR *view;
    HANDLE section = wine_server_ptr_handle( attach->recv.view );
    /* a secured view is a copy that the receiver may only read */
    ULONG protect = (attach->recv.view_flags & ALPC_VIEWFLG_SECURED_ACCESS) ? PAGE_READONLY : PAGE_READWRITE;
    void *base;

    if (!section) return;
    if ((view = alpc_attr_block( attr, ALPC_MESSAGE_VIEW_ATTRIBUTE )) &&
        !map_port_view( port, section, attach->recv.view_size, protect, msg->MessageId, &base ))
    {
        memset( view, 0, sizeof(*view) );
        view->Flags    = attach->recv.view_flags;
        view->ViewBase = base;
        view->ViewSize = attach->recv.view_size;
        attr->ValidAttributes |= ALPC_MESSAGE_VIEW_ATTRIBUTE;
    }
    if (section) NtClose( section );
}

/* NtAlpcDeletePortSection, NtAlpcDeleteSecurityContext, NtAlpcRevokeSecurityContext
 * and NtAlpcDeleteResourceReserve: ALPC handles live in wineserver */
static NTSTATUS delete_alpc_handle( HANDLE port, ALPC_HANDLE handle, unsigned int kind, BOOL revoke )
{
    unsigned int ret;

    SERVER_START_REQ( alpc_delete_handle )
    {
        req->handle = wine_server_obj_handle( port );
        req->id     = HandleToULong( handle );
        req->kind   = kind;
        req->revoke = revoke;
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}

/* the receiver's context attribute describes the message it got */
static void set_context_attribute( ALPC_MESSAGE_ATTRIBUTES *attr, const LPC_MESSAGE *msg, void *context )
{
    ALPC_CONTEXT_ATTR *ctx;

    if (!attr) return;
    attr->ValidAttributes = 0;
    if (!(ctx = alpc_attr_block( attr, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ))) return;
    memset( ctx, 0, sizeof(*ctx) );
    ctx->PortContext = context;
    ctx->MessageId   = msg->MessageId;
    if ((msg->MessageType & 0xff) != LPC_MSG_CONNECTION_REQUEST) ctx->CallbackId = msg->SectionSize;
    attr->ValidAttributes = ALPC_MESSAGE_CONTEXT_ATTRIBUTE;
}


/* everything the receiver of a message learns besides its data */
static void set_received_attributes( HANDLE port, ALPC_MESSAGE_ATTRIBUTES *attr, const LPC_MESSAGE *msg,
                                     void *context, const struct port_attach *attach )
{
    set_context_attribute( attr, msg, context );
    if (!attach->received || !attr) return;
    set_handle_attribute( attr, attach );
    set_view_attribute( port, attr, msg, attach );
    set_sender_attributes( attr, attach );
}


/* a limit of SIZE_MAX is none, as 0 is */
static mem_size_t port_limit( SIZE_T limit )
{
    return limit == ~(SIZE_T)0 ? 0 : limit;
}

/* the section and view limits of ALPC_PORT_ATTRIBUTES, where it sets any */
static NTSTATUS set_port_limits( HANDLE port, const ALPC_PORT_ATTRIBUTES *port_attr )
{
    unsigned int ret;

    if (!port_attr || !(port_limit( port_attr->MaxSectionSize ) | port_limit( port_attr->MaxViewSize ) |
                        port_limit( port_attr->MaxTotalSectionSize )))
        return STATUS_SUCCESS;
    SERVER_START_REQ( alpc_set_limits )
    {
        req->handle      = wine_server_obj_handle( port );
        req->max_section = port_limit( port_attr->MaxSectionSize );
        req->max_view    = port_limit( port_attr->MaxViewSize );
        req->max_total   = port_limit( port_attr->MaxTotalSectionSize );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcCreatePort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreatePort( HANDLE *handle, OBJECT_ATTRIBUTES *attr,
                                  ALPC_PORT_ATTRIBUTES *port_attr )
{
    SIZE_T max_len = ALPC_MAX_MESSAGE_LENGTH;
    ULONG flags = 0, dup_types = 0;
    unsigned int ret;

    TRACE( "(%p,%p,%p)\n", handle, attr, port_attr );
    if ((ret = get_port_flags( port_attr, &flags ))) return ret;
    if (port_attr)
    {
        dup_types = port_attr->DupObjectTypes;
        if (port_attr->MaxMessageLength) max_len = port_attr->MaxMessageLength;
        if (max_len > ALPC_MAX_MESSAGE_LENGTH) return STATUS_INVALID_PARAMETER;
    }
    if ((ret = port_create( handle, attr, 0, max_len, flags, dup_types ))) return ret;
    if ((ret = set_port_limits( *handle, port_attr )))
    {
        NtClose( *handle );
        *handle = 0;
    }
    return ret;
}

/* NtAlpcConnectPort and NtAlpcConnectPortEx: the connection port is named by conn_attr */
static NTSTATUS connect_port( HANDLE *handle, OBJECT_ATTRIBUTES *conn_attr, ALPC_PORT_ATTRIBUTES *port_attr,
                              ULONG flags, PSID sid, PORT_MESSAGE *msg, SIZE_T *len,
                              ALPC_MESSAGE_ATTRIBUTES *out_attr, ALPC_MESSAGE_ATTRIBUTES *in_attr,
                              LARGE_INTEGER *timeout )
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    struct object_attributes *objattr;
    const LPC_MESSAGE *lpc = NULL;
    const LARGE_INTEGER *wait_until;
    LARGE_INTEGER deadline;
    struct port_attach attach;
    LPC_MESSAGE header;
    unsigned char *data, sid_copy[SECURITY_MAX_SID_SIZE];
    HANDLE port = 0;
    data_size_t objlen, size = 0, sid_len = 0, room;
    ULONG port_flags = 0;
    unsigned int ret;

    if (!handle || !conn_attr->ObjectName) return STATUS_INVALID_PARAMETER;
    if ((ret = check_attributes( out_attr, TRUE )) || (ret = check_attributes( in_attr, FALSE ))) return ret;
    if ((ret = get_send_attach( out_attr, &attach ))) return ret;
    if (in_attr) port_probe_write( in_attr, attr_offset( in_attr->AllocatedAttributes, 0 ));
    init_recv_attach( in_attr, &attach );
    if ((ret = get_port_flags( port_attr, &port_flags ))) return ret;
    if (port_attr) qos = port_attr->SecurityQos;
    if (msg)
    {
        if ((ret = get_message( msg, &lpc ))) return ret;
        size = lpc->DataSize;
        if (len) port_probe_write( len, sizeof(*len) );
        /* the server's answer is written there once the connection is made */
        port_probe_write( msg, min( len ? *len : lpc->MessageSize, PORT_HEADER_SIZE + PORT_MAX_DATA ));
    }
    if (sid && (ret = port_capture_sid( sid, sid_copy, &sid_len ))) return ret;
    *handle = 0;
    room = PORT_MAX_DATA + PORT_RECV_ATTACH_SIZE;
    if (!(data = malloc( room ))) return STATUS_NO_MEMORY;
    if (size) memcpy( data, lpc->Data, size );

    if ((ret = alloc_object_attributes( conn_attr, &objattr, &objlen )))
    {
        free( data );
        return ret;
    }
    SERVER_START_REQ( alpc_connect_port )
    {
        req->access           = PORT_ALL_ACCESS;
        req->flags            = port_flags;
        req->imp_level        = qos.ImpersonationLevel;
        req->info_size        = size;
        req->sid_len          = sid_len;
        req->dup_types        = port_attr ? port_attr->DupObjectTypes : 0;
        req->options          = ((flags & ALPC_SYNC_CONNECTION) ? 0 : PORT_CONNECT_ASYNC) |
                                (qos.ContextTrackingMode == SECURITY_DYNAMIC_TRACKING ? PORT_CONNECT_DYNAMIC : 0);
        wine_server_add_data( req, objattr, objlen );
        wine_server_add_data( req, sid_copy, sid_len );
        wine_server_add_data( req, data, size );
        port_add_send_attach( req, &attach );
        if (!(ret = wine_server_call( req ))) port = wine_server_ptr_handle( reply->handle );
    }
    SERVER_END_REQ;
    free( objattr );
    if (!ret) ret = set_port_limits( port, port_attr );

    if (!ret && !(flags & ALPC_SYNC_CONNECTION))
    {
        /* LPC_CONNECTION_REPLY arrives on the port once the server has decided */
        free( data );
        *handle = port;
        return STATUS_SUCCESS;
    }

    wait_until = port_get_deadline( timeout, &deadline );
    while (!ret)
    {
        SERVER_START_REQ( alpc_connect_result )
        {
            req->handle = wine_server_obj_handle( port );
            req->want   = attach.want;
            wine_server_set_reply( req, data, room );
            if (!(ret = wine_server_call( req )))
            {
                size = reply->info_size;
                port_get_recv_attach( &attach, data + size, wine_server_reply_size( reply ) - size );
            }
        }
        SERVER_END_REQ;

        if (!ret)
        {
            LPC_MESSAGE *out = msg ? (LPC_MESSAGE *)msg : &header;
            ULONG max_size = msg ? (len ? *len : lpc->MessageSize) : 0;

            if (msg && size > (max_size > PORT_HEADER_SIZE ? max_size - PORT_HEADER_SIZE : 0))
            {
                /* ALPC does not truncate: the connection goes, with what the answer brought */
                ULONG i;

                if (len) *len = PORT_HEADER_SIZE + size;
                if (attach.received)
                {
                    for (i = 0; i < attach.recv.handle_count; i++)
                        if (attach.handles[i].handle) NtClose( wine_server_ptr_handle( attach.handles[i].handle ));
                    if (attach.recv.view) NtClose( wine_server_ptr_handle( attach.recv.view ));
                }
                ret = STATUS_BUFFER_TOO_SMALL;
                break;
            }
            port_fill_header( out, LPC_CONNECTION_REPLY, size, 0, GetCurrentProcessId(),
                              GetCurrentThreadId(), 0, 0 );
            memcpy( out->Data, data, size );
            if (msg && len) *len = PORT_HEADER_SIZE + size;
            set_received_attributes( port, in_attr, out, NULL, &attach );
            free( data );
            *handle = port;
            return STATUS_SUCCESS;
        }
        if (ret != STATUS_PENDING) break;
        ret = port_wait( port, wait_until, FALSE );
    }
    free( data );
    if (port) NtClose( port );
    return ret;
}


/***********************************************************************
 *             NtAlpcConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcConnectPort( HANDLE *handle, UNICODE_STRING *name, OBJECT_ATTRIBUTES *attr,
                                   ALPC_PORT_ATTRIBUTES *port_attr, ULONG flags, PSID sid,
                                   PORT_MESSAGE *msg, SIZE_T *len,
                                   ALPC_MESSAGE_ATTRIBUTES *out_attr,
                                   ALPC_MESSAGE_ATTRIBUTES *in_attr, LARGE_INTEGER *timeout )
{
    OBJECT_ATTRIBUTES conn_attr;

    TRACE( "(%p,%s,%p,%p,%#x,%p,%p,%p,%p,%p,%p)\n", handle, debugstr_us(name), attr,
           port_attr, (int)flags, sid, msg, len, out_attr, in_attr, timeout );
    if (!name) return STATUS_INVALID_PARAMETER;
    InitializeObjectAttributes( &conn_attr, name, OBJ_CASE_INSENSITIVE, 0, NULL );
    return connect_port( handle, &conn_attr, port_attr, flags, sid, msg, len, out_attr, in_attr, timeout );
}


/***********************************************************************
 *             NtAlpcConnectPortEx (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcConnectPortEx( HANDLE *handle, OBJECT_ATTRIBUTES *conn_attr,
                                     OBJECT_ATTRIBUTES *attr, ALPC_PORT_ATTRIBUTES *port_attr,
                                     ULONG flags, PSECURITY_DESCRIPTOR sd, PORT_MESSAGE *msg,
                                     SIZE_T *len, ALPC_MESSAGE_ATTRIBUTES *out_attr,
                                     ALPC_MESSAGE_ATTRIBUTES *in_attr, LARGE_INTEGER *timeout )
{
    TRACE( "(%p,%p,%p,%p,%#x,%p,%p,%p,%p,%p,%p)\n", handle, conn_attr, attr, port_attr,
           (int)flags, sd, msg, len, out_attr, in_attr, timeout );

    if (!conn_attr || !conn_attr->ObjectName) return STATUS_INVALID_PARAMETER;
    if (sd)
    {
        FIXME( "server security requirements %p not supported\n", sd );
        return STATUS_NOT_IMPLEMENTED;
    }
    return connect_port( handle, conn_attr, port_attr, flags, NULL, msg, len, out_attr, in_attr, timeout );
}


/***********************************************************************
 *             NtAlpcAcceptConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcAcceptConnectPort( HANDLE *handle, HANDLE port, ULONG flags,
                                         OBJECT_ATTRIBUTES *attr, ALPC_PORT_ATTRIBUTES *port_attr,
                                         void *context, PORT_MESSAGE *msg,
                                         ALPC_MESSAGE_ATTRIBUTES *msg_attr, BOOLEAN accept )
{
    struct port_attach attach;
    const LPC_MESSAGE *lpc;
    unsigned char *data;
    HANDLE comm = 0;
    unsigned int ret;

    TRACE( "(%p,%p,%#x,%p,%p,%p,%p,%p,%d)\n", handle, port, (int)flags, attr, port_attr,
           context, msg, msg_attr, accept );

    if (!msg || (accept && !handle)) return STATUS_INVALID_PARAMETER;
    if ((ret = get_message( msg, &lpc )) || (ret = check_attributes( msg_attr, TRUE )) ||
        (ret = get_send_attach( msg_attr, &attach )))
        return ret;
    if (handle) *handle = 0;
    if (!(data = malloc( PORT_MAX_DATA ))) return STATUS_NO_MEMORY;
    memcpy( data, lpc->Data, lpc->DataSize );

    /* ALPC lets the client go at once: accept and complete in one call */
    SERVER_START_REQ( alpc_accept_connect )
    {
        req->port       = wine_server_obj_handle( port );
        req->access     = PORT_ALL_ACCESS;
        req->context    = wine_server_client_ptr( context );
        req->msg_id     = lpc->MessageId;
        req->client_pid = HandleToULong( lpc->ClientId.UniqueProcess );
        req->client_tid = HandleToULong( lpc->ClientId.UniqueThread );
        req->accept     = accept;
        req->info_size  = lpc->DataSize;
        wine_server_add_data( req, data, lpc->DataSize );
        port_add_send_attach( req, &attach );
        if (!(ret = wine_server_call( req ))) comm = wine_server_ptr_handle( reply->handle );
    }
    SERVER_END_REQ;
    free( data );
    if (ret || !accept) return ret;

    if ((ret = set_port_limits( comm, port_attr )) || (ret = NtCompleteConnectPort( comm )))
    {
        NtClose( comm );
        return ret;
    }
    *handle = comm;
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtAlpcSendWaitReceivePort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcSendWaitReceivePort( HANDLE port, ULONG flags, PORT_MESSAGE *send,
                                           ALPC_MESSAGE_ATTRIBUTES *send_attr, PORT_MESSAGE *recv,
                                           SIZE_T *len, ALPC_MESSAGE_ATTRIBUTES *recv_attr,
                                           LARGE_INTEGER *timeout )
{
    LPC_MESSAGE *out = (LPC_MESSAGE *)recv;
    const LPC_MESSAGE *lpc;
    struct port_attach attach;
    struct port_sleep sleep = { 0 };
    ULONG id, max_data = 0, needed = 0;
    void *context = NULL;
    BOOL alertable = !!(flags & ALPC_MSGFLG_WAIT_ALERTABLE);
    NTSTATUS ret;

    TRACE( "(%p,%#x,%p,%p,%p,%p,%p,%p)\n", port, (int)flags, send, send_attr, recv, len,
           recv_attr, timeout );

    if ((ret = check_attributes( send_attr, TRUE )) || (ret = check_attributes( recv_attr, FALSE )))
        return ret;
    if (flags & ~ALPC_MSGFLG_VALID) return STATUS_INVALID_PARAMETER;
    if ((flags & ALPC_MSGFLG_SYNC_REQUEST) && !send) return STATUS_INVALID_PARAMETER;
    if (recv && len)
    {
        port_probe_write( len, sizeof(*len) );
        if (*len < PORT_HEADER_SIZE) return STATUS_BUFFER_TOO_SMALL;
        max_data = min( *len, ALPC_MAX_MESSAGE_LENGTH ) - PORT_HEADER_SIZE;
        /* a bad buffer faults before anything is sent, not once a message is taken for it */
        port_probe_write( recv, PORT_HEADER_SIZE + max_data );
    }
    else if (recv)
    {
        /* without a length the buffer holds the port's longest message (upstream
         * Wine's alpc.c test, run on Windows, receives so), which no message exceeds */
        max_data = ALPC_MAX_MESSAGE_LENGTH - PORT_HEADER_SIZE;
        port_probe_write( recv, PORT_HEADER_SIZE );
    }

    /* its attribute blocks are written once a message is taken: a bad buffer must
     * fault before, and leave the message queued */
    if (recv_attr) port_probe_write( recv_attr, attr_offset( recv_attr->AllocatedAttributes, 0 ));
    init_recv_attach( recv_attr, &attach );

    if (send)
    {
        if ((ret = get_message( send, &lpc )) || (ret = get_send_attach( send_attr, &attach ))) return ret;
        if ((flags & ALPC_MSGFLG_REPLY_MESSAGE) || ((flags & ALPC_MSGFLG_RELEASE_MESSAGE) && lpc->MessageId))
        {
            if (!lpc->MessageId) return STATUS_INVALID_PARAMETER;
            sleep.deliver = port_deliver_room( max_data );
            if ((ret = port_reply_message( port, lpc, &attach, recv && !alertable ? &sleep : NULL )))
                return ret;
        }
        else if (flags & ALPC_MSGFLG_SYNC_REQUEST)
        {
            /* a synchronous request is sent, then its reply received, in this one call */
            if (!recv) return STATUS_LPC_RECEIVE_BUFFER_EXPECTED;
            sleep.deliver = port_deliver_room( max_data );
            if ((ret = port_send_message( port, lpc, LPC_MSG_REQUEST, FALSE, &attach, &id, &sleep ))) return ret;
            if ((ret = port_wait_reply( port, id, out, max_data, timeout, &attach, &sleep ))) return ret;
            /* a reply that passed handles or a view is released as a received message is */
            if (attach.received && attach.recv.kept) out->MessageType |= LPC_CONTINUATION_REQUIRED;
            if (len) *len = out->MessageSize;
            set_received_attributes( port, recv_attr, out, NULL, &attach );
            return STATUS_SUCCESS;
        }
        else
        {
            BOOL datagram = flags & ALPC_MSGFLG_RELEASE_MESSAGE;

            if ((ret = port_send_message( port, lpc, datagram ? LPC_MSG_DATAGRAM : LPC_MSG_REQUEST,
                                          !datagram, &attach, &id, NULL )))
                return ret;
            /* the sender learns the id the message got, as Windows writes it back */
            ((LPC_MESSAGE *)lpc)->MessageId = id;
        }
    }
    if (!recv) return STATUS_SUCCESS;

    /* a buffer of unknown size is written only as far as a message goes */
    ret = port_receive_message( port, &context, out, max_data, timeout, len ? RECEIVE_WHOLE : RECEIVE_ANY,
                                alertable, &needed, &attach, &sleep );
    if (ret == STATUS_BUFFER_TOO_SMALL) *len = needed;
    if (ret) return ret;
    /* a request must be answered, and a message that passed handles or a view released */
    if ((out->MessageType & 0xff) == LPC_MSG_REQUEST || (attach.received && attach.recv.kept))
        out->MessageType |= LPC_CONTINUATION_REQUIRED;
    if (len) *len = out->MessageSize;
    set_received_attributes( port, recv_attr, out, context, &attach );
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtAlpcDisconnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDisconnectPort( HANDLE port, ULONG flags )
{
    unsigned int ret;

    TRACE( "(%p,%#x)\n", port, (int)flags );
    /* 1 skips the flush of what is pending (phnt); nothing else is known */
    if (flags & ~1) return STATUS_INVALID_PARAMETER;
    SERVER_START_REQ( alpc_disconnect_port )
    {
        req->handle = wine_server_obj_handle( port );
        req->flags  = flags;
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcCancelMessage (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCancelMessage( HANDLE port, ULONG flags, ALPC_CONTEXT_ATTR *context )
{
    unsigned int ret;

    TRACE( "(%p,%#x,%p)\n", port, (int)flags, context );
    if (!context) return STATUS_INVALID_PARAMETER;
    if (flags & ~(ALPC_CANCELFLG_TRY_CANCEL | ALPC_CANCELFLG_NO_CONTEXT_CHECK)) return STATUS_INVALID_PARAMETER;
    SERVER_START_REQ( alpc_cancel_message )
    {
        req->handle      = wine_server_obj_handle( port );
        req->msg_id      = context->MessageId;
        req->callback_id = context->CallbackId;
        req->flags       = flags;
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcCreatePortSection (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreatePortSection( HANDLE port, ULONG flags, HANDLE section, SIZE_T size,
                                         ALPC_HANDLE *alpc_section, SIZE_T *actual )
{
    HANDLE mapping = section;
    LARGE_INTEGER li;
    unsigned int ret;

    TRACE( "(%p,%#x,%p,%#lx,%p,%p)\n", port, (int)flags, section, size, alpc_section, actual );
    if (!alpc_section || !actual) return STATUS_INVALID_PARAMETER;
    if (flags & ~ALPC_CREATEPORTSECTIONFLG_SECURE) return STATUS_INVALID_PARAMETER;
    /* nothing may be made that a bad output pointer would leave behind */
    port_probe_write( alpc_section, sizeof(*alpc_section) );
    port_probe_write( actual, sizeof(*actual) );
    if (!section)
    {
        /* a section of its own, as the kernel allocates one from the page file */
        if (!size) return STATUS_INVALID_PARAMETER;
        li.QuadPart = size;
        if ((ret = NtCreateSection( &mapping, SECTION_MAP_READ | SECTION_MAP_WRITE | SECTION_QUERY, NULL,
                                    &li, PAGE_READWRITE, SEC_COMMIT, 0 )))
            return ret;
    }
    else if (!size)
    {
        SECTION_BASIC_INFORMATION info;

        if ((ret = NtQuerySection( section, SectionBasicInformation, &info, sizeof(info), NULL ))) return ret;
        size = info.Size.QuadPart;
    }
    size = (size + page_size - 1) & ~((SIZE_T)page_size - 1);

    SERVER_START_REQ( alpc_create_section )
    {
        req->handle  = wine_server_obj_handle( port );
        req->section = wine_server_obj_handle( mapping );
        req->size    = size;
        req->secure  = !!(flags & ALPC_CREATEPORTSECTIONFLG_SECURE);
        if (!(ret = wine_server_call( req )))
        {
            *alpc_section = ULongToHandle( reply->id );
            *actual = size;
        }
    }
    SERVER_END_REQ;
    if (!section) NtClose( mapping );
    return ret;
}


/***********************************************************************
 *             NtAlpcDeletePortSection (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeletePortSection( HANDLE port, ULONG flags, ALPC_HANDLE section )
{
    TRACE( "(%p,%#x,%p)\n", port, (int)flags, section );
    return delete_alpc_handle( port, section, ALPC_HANDLE_SECTION, FALSE );
}


/***********************************************************************
 *             NtAlpcCreateSectionView (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateSectionView( HANDLE port, ULONG flags, ALPC_DATA_VIEW_ATTR *view )
{
    HANDLE section = 0;
    SIZE_T size = 0, max_view = 0;
    void *base;
    unsigned int ret;

    TRACE( "(%p,%#x,%p)\n", port, (int)flags, view );
    if (!view) return STATUS_INVALID_PARAMETER;
    port_probe_write( view, sizeof(*view) );
    SERVER_START_REQ( alpc_get_section )
    {
        req->handle = wine_server_obj_handle( port );
        req->id     = HandleToULong( view->SectionHandle );
        if (!(ret = wine_server_call( req )))
        {
            section  = wine_server_ptr_handle( reply->section );
            size     = reply->size;
            max_view = reply->max_view;
        }
    }
    SERVER_END_REQ;
    if (ret) return ret;
    if (view->ViewSize > size || (max_view && (view->ViewSize ? view->ViewSize : size) > max_view))
        ret = STATUS_INVALID_VIEW_SIZE;
    else if (!(ret = map_port_view( port, section, view->ViewSize ? view->ViewSize : size, PAGE_READWRITE, 0,
                                    &base )))
    {
        view->ViewBase = base;
        if (!view->ViewSize) view->ViewSize = size;
    }
    NtClose( section );
    return ret;
}


/***********************************************************************
 *             NtAlpcDeleteSectionView (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteSectionView( HANDLE port, ULONG flags, void *base )
{
    unsigned int ret;

    TRACE( "(%p,%#x,%p)\n", port, (int)flags, base );
    SERVER_START_REQ( alpc_set_view )
    {
        req->handle = wine_server_obj_handle( port );
        req->base   = wine_server_client_ptr( base );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    if (!ret) NtUnmapViewOfSection( NtCurrentProcess(), base );
    return ret;
}


/***********************************************************************
 *             NtAlpcCreateSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateSecurityContext( HANDLE port, ULONG flags, ALPC_SECURITY_ATTR *security )
{
    unsigned int ret;

    TRACE( "(%p,%#x,%p)\n", port, (int)flags, security );
    if (!security || !security->QoS) return STATUS_INVALID_PARAMETER;
    port_probe_write( security, sizeof(*security) );
    SERVER_START_REQ( alpc_create_security )
    {
        req->handle    = wine_server_obj_handle( port );
        req->imp_level = security->QoS->ImpersonationLevel;
        if (!(ret = wine_server_call( req ))) security->ContextHandle = ULongToHandle( reply->id );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcDeleteSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteSecurityContext( HANDLE port, ULONG flags, ALPC_HANDLE context )
{
    TRACE( "(%p,%#x,%p)\n", port, (int)flags, context );
    return delete_alpc_handle( port, context, ALPC_HANDLE_SECURITY, FALSE );
}


/***********************************************************************
 *             NtAlpcRevokeSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcRevokeSecurityContext( HANDLE port, ULONG flags, ALPC_HANDLE context )
{
    TRACE( "(%p,%#x,%p)\n", port, (int)flags, context );
    return delete_alpc_handle( port, context, ALPC_HANDLE_SECURITY, TRUE );
}


/***********************************************************************
 *             NtAlpcCreateResourceReserve (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateResourceReserve( HANDLE port, ULONG flags, SIZE_T size, ALPC_HANDLE *reserve )
{
    unsigned int ret;

    TRACE( "(%p,%#x,%#lx,%p)\n", port, (int)flags, (unsigned long)size, reserve );
    if (!reserve) return STATUS_INVALID_PARAMETER;
    port_probe_write( reserve, sizeof(*reserve) );
    SERVER_START_REQ( alpc_create_reserve )
    {
        req->handle = wine_server_obj_handle( port );
        req->size   = size;
        if (!(ret = wine_server_call( req ))) *reserve = ULongToHandle( reply->id );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcDeleteResourceReserve (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteResourceReserve( HANDLE port, ULONG flags, ALPC_HANDLE reserve )
{
    TRACE( "(%p,%#x,%p)\n", port, (int)flags, reserve );
    return delete_alpc_handle( port, reserve, ALPC_HANDLE_RESERVE, FALSE );
}

/* the server a thread waits for; the port name is stored after the structure */
static NTSTATUS query_server_information( void *info, ULONG len, ULONG *ret_len )
{
    ALPC_SERVER_INFORMATION *server = info;
    WCHAR name[MAX_PATH];
    data_size_t name_len = 0;
    process_id_t pid = 0;
    int blocked = 0;
    unsigned int ret;

    if (!server || len < sizeof(*server)) return STATUS_INFO_LENGTH_MISMATCH;
    SERVER_START_REQ( alpc_server_info )
    {
        req->thread = wine_server_obj_handle( server->In.ThreadHandle );
        wine_server_set_reply( req, name, sizeof(name) );
        if (!(ret = wine_server_call( req )))
        {
            blocked  = reply->blocked;
            pid      = reply->server_pid;
            name_len = wine_server_reply_size( reply );
        }
    }
    SERVER_END_REQ;
    if (ret) return ret;
    if (ret_len) *ret_len = sizeof(*server) + name_len + sizeof(WCHAR);
    if (len < sizeof(*server) + name_len + sizeof(WCHAR)) return STATUS_BUFFER_TOO_SMALL;

    memset( server, 0, sizeof(*server) );
    server->Out.ThreadBlocked      = blocked;
    server->Out.ConnectedProcessId = ULongToHandle( pid );
    server->Out.ConnectionPortName.Buffer = (WCHAR *)(server + 1);
    server->Out.ConnectionPortName.Length = name_len;
    server->Out.ConnectionPortName.MaximumLength = name_len + sizeof(WCHAR);
    memcpy( server + 1, name, name_len );
    ((WCHAR *)(server + 1))[name_len / sizeof(WCHAR)] = 0;
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtAlpcQueryInformation (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcQueryInformation( HANDLE port, ALPC_PORT_INFORMATION_CLASS class, void *info,
                                        ULONG len, ULONG *ret_len )
{
    ALPC_BASIC_INFORMATION basic;
    unsigned char sid[SECURITY_MAX_SID_SIZE];
    data_size_t sid_len = 0;
    unsigned int ret;

    TRACE( "(%p,%d,%p,%u,%p)\n", port, class, info, (int)len, ret_len );
    switch (class)
    {
    case AlpcServerInformation:
        return query_server_information( info, len, ret_len );
    case AlpcBasicInformation:
        if (len < sizeof(basic))
        {
            if (ret_len) *ret_len = sizeof(basic);
            return STATUS_INFO_LENGTH_MISMATCH;
        }
        break;
    case AlpcConnectedSIDInformation:
        /* the caller names the SID it expects the peer to run as */
        if (!info || len < offsetof( SID, SubAuthority[0] ) ||
            len < offsetof( SID, SubAuthority[((SID *)info)->SubAuthorityCount] ))
            return STATUS_INVALID_PARAMETER;
        break;
    case AlpcPortInformation:
    case AlpcAssociateCompletionPortInformation:
    case AlpcMessageZoneInformation:
    case AlpcRegisterCompletionListInformation:
    case AlpcUnregisterCompletionListInformation:
    case AlpcAdjustCompletionListConcurrencyCountInformation:
    case AlpcRegisterCallbackInformation:
    case AlpcCompletionListRundownInformation:
        /* guess: classes that are only ever set cannot be queried */
        return STATUS_INVALID_INFO_CLASS;
    default:
        FIXME( "class %d not supported\n", class );
        return STATUS_NOT_IMPLEMENTED;
    }

    memset( &basic, 0, sizeof(basic) );
    SERVER_START_REQ( alpc_query_port )
    {
        req->handle = wine_server_obj_handle( port );
        wine_server_set_reply( req, sid, sizeof(sid) );
        if (!(ret = wine_server_call( req )))
        {
            basic.Flags       = reply->flags;
            basic.PortContext = wine_server_get_ptr( reply->context );
            sid_len           = wine_server_reply_size( reply );
        }
    }
    SERVER_END_REQ;
    if (ret) return ret;

    if (class == AlpcConnectedSIDInformation)
    {
        if (!sid_len) return STATUS_PORT_DISCONNECTED;
        if (sid_len != offsetof( SID, SubAuthority[((SID *)info)->SubAuthorityCount] ) ||
            memcmp( info, sid, sid_len ))
            return STATUS_SERVER_SID_MISMATCH;
        return STATUS_SUCCESS;
    }
    memcpy( info, &basic, sizeof(basic) );
    if (ret_len) *ret_len = sizeof(basic);
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtAlpcSetInformation (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcSetInformation( HANDLE port, ALPC_PORT_INFORMATION_CLASS class, void *info,
                                      ULONG len )
{
    const ALPC_PORT_ASSOCIATE_COMPLETION_PORT *assoc = info;
    const ALPC_PORT_MESSAGE_ZONE_INFORMATION *zone = info;
    unsigned int ret;

    TRACE( "(%p,%d,%p,%u)\n", port, class, info, (int)len );
    if (class == AlpcMessageZoneInformation)
    {
        if (len != sizeof(*zone)) return STATUS_INFO_LENGTH_MISMATCH;
        if (!zone || !zone->Buffer || !zone->Size) return STATUS_INVALID_PARAMETER;
        SERVER_START_REQ( alpc_query_port )
        {
            req->handle = wine_server_obj_handle( port );
            ret = wine_server_call( req );
        }
        SERVER_END_REQ;
        /* the kernel builds completion-list messages in the zone, and we have no completion lists */
        if (!ret) FIXME( "message zone %p size %#x is not used\n", zone->Buffer, (int)zone->Size );
        return ret;
    }
    if (class != AlpcAssociateCompletionPortInformation)
    {
        FIXME( "class %d not supported\n", class );
        return STATUS_NOT_IMPLEMENTED;
    }
    if (len != sizeof(*assoc)) return STATUS_INFO_LENGTH_MISMATCH;
    if (!assoc) return STATUS_INVALID_PARAMETER;
    SERVER_START_REQ( alpc_set_completion )
    {
        req->handle     = wine_server_obj_handle( port );
        req->completion = wine_server_obj_handle( assoc->CompletionPort );
        req->key        = wine_server_client_ptr( assoc->CompletionKey );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcQueryInformationMessage (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcQueryInformationMessage( HANDLE port, PORT_MESSAGE *msg,
                                               ALPC_MESSAGE_INFORMATION_CLASS class, void *info,
                                               ULONG len, ULONG *ret_len )
{
    ALPC_MESSAGE_HANDLE_INFORMATION *handle_info = info;
    port_handle_t handle;
    NTSTATUS ret;

    TRACE( "(%p,%p,%d,%p,%u,%p)\n", port, msg, class, info, (int)len, ret_len );
    if (!msg) return STATUS_INVALID_PARAMETER;
    /* a port handle of the caller's, as wineserver knows it */
    SERVER_START_REQ( alpc_query_port )
    {
        req->handle = wine_server_obj_handle( port );
        ret = wine_server_call( req );
    }
    SERVER_END_REQ;
    if (ret) return ret;
    if (class == AlpcMessageSidInformation)
    {
        ULONG sid_len = len;

        if (!info && len) return STATUS_INVALID_PARAMETER;
        ret = get_message_sender( port, ((LPC_MESSAGE *)msg)->MessageId, info, &sid_len, NULL );
        if (ret_len) *ret_len = sid_len;
        return ret;
    }
    if (class == AlpcMessageTokenModifiedIdInformation)
    {
        if (len < sizeof(LUID)) return STATUS_INFO_LENGTH_MISMATCH;
        if (!info) return STATUS_INVALID_PARAMETER;
        ret = get_message_sender( port, ((LPC_MESSAGE *)msg)->MessageId, NULL, NULL, info );
        if (!ret && ret_len) *ret_len = sizeof(LUID);
        return ret;
    }
    if (class != AlpcMessageHandleInformation)
    {
        FIXME( "class %d not supported\n", class );
        return STATUS_NOT_IMPLEMENTED;
    }
    if (!info) return STATUS_INVALID_PARAMETER;
    if (len != sizeof(*handle_info)) return STATUS_INFO_LENGTH_MISMATCH;
    port_probe_write( handle_info, sizeof(*handle_info) );
    /* a message kept until it is released: a handle of the caller's own each time */
    SERVER_START_REQ( alpc_get_message_handle )
    {
        req->handle = wine_server_obj_handle( port );
        req->msg_id = ((LPC_MESSAGE *)msg)->MessageId;
        req->index  = handle_info->Index;
        if (!(ret = wine_server_call( req )))
        {
            handle.handle = reply->new_handle;
            handle.flags  = reply->flags;
            handle.type   = reply->type;
            handle.access = reply->access;
        }
    }
    SERVER_END_REQ;
    /* no message of the port holds handles by that MessageId */
    if (ret == STATUS_NOT_FOUND) ret = STATUS_INVALID_PARAMETER;
    if (ret) return ret;
    handle_info->Flags         = handle.flags;
    handle_info->Handle        = handle.handle;
    handle_info->ObjectType    = handle.type;
    handle_info->GrantedAccess = handle.access;
    if (ret_len) *ret_len = sizeof(*handle_info);
    return STATUS_SUCCESS;
}


/***********************************************************************
 *             NtAlpcImpersonateClientOfPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcImpersonateClientOfPort( HANDLE port, PORT_MESSAGE *msg, void *flags )
{
    TRACE( "(%p,%p,%p)\n", port, msg, flags );
    return NtImpersonateClientOfPort( port, msg );
}


/***********************************************************************
 *             NtAlpcImpersonateClientContainerOfPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcImpersonateClientContainerOfPort( HANDLE port, PORT_MESSAGE *msg,
                                                        ULONG flags )
{
    FIXME( "(%p,%p,%#x),stub!\n", port, msg, (int)flags );
    return STATUS_NOT_IMPLEMENTED;
}


static NTSTATUS open_sender( HANDLE *handle, HANDLE port, PORT_MESSAGE *msg, BOOL thread,
                             ACCESS_MASK access, OBJECT_ATTRIBUTES *attr )
{
    const LPC_MESSAGE *lpc = (const LPC_MESSAGE *)msg;
    unsigned int ret;

    if (!handle || !msg) return STATUS_INVALID_PARAMETER;
    port_probe_write( handle, sizeof(*handle) );
    SERVER_START_REQ( alpc_open_sender )
    {
        req->handle     = wine_server_obj_handle( port );
        req->msg_id     = lpc->MessageId;
        req->client_pid = HandleToULong( lpc->ClientId.UniqueProcess );
        req->client_tid = HandleToULong( lpc->ClientId.UniqueThread );
        req->thread     = thread;
        req->access     = access;
        req->attributes = attr ? attr->Attributes : 0;
        if (!(ret = wine_server_call( req ))) *handle = wine_server_ptr_handle( reply->sender );
    }
    SERVER_END_REQ;
    return ret;
}


/***********************************************************************
 *             NtAlpcOpenSenderProcess (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcOpenSenderProcess( HANDLE *handle, HANDLE port, PORT_MESSAGE *msg,
                                         ULONG flags, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr )
{
    TRACE( "(%p,%p,%p,%#x,%#x,%p)\n", handle, port, msg, (int)flags, (int)access, attr );
    return open_sender( handle, port, msg, FALSE, access, attr );
}


/***********************************************************************
 *             NtAlpcOpenSenderThread (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcOpenSenderThread( HANDLE *handle, HANDLE port, PORT_MESSAGE *msg, ULONG flags,
                                        ACCESS_MASK access, OBJECT_ATTRIBUTES *attr )
{
    TRACE( "(%p,%p,%p,%#x,%#x,%p)\n", handle, port, msg, (int)flags, (int)access, attr );
    return open_sender( handle, port, msg, TRUE, access, attr );
}
