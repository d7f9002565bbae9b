/*
 * Windows LRPC messages: building, checking and naming
 *
 * Copyright 2026 wine-lpc authors
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

/* No Win32 calls here: the unit tests build this file natively. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "rpc.h"

#include "lrpc_layout.h"

C_ASSERT( sizeof(LRPC_HEADER) == 0x08 );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, Interface) == 0x0c );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, TransferSyntaxSet) == 0x20 );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, DceNdrSyntaxIdentifier) == 0x24 );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, RegisterMultipleSyntax) == 0x2c );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, FlowId) == 0x38 );
C_ASSERT( FIELD_OFFSET(LRPC_BIND_MESSAGE, ContextId) == 0x40 );
C_ASSERT( sizeof(LRPC_BIND_MESSAGE) == 0x48 );
C_ASSERT( FIELD_OFFSET(LRPC_REQUEST_MESSAGE, CallId) == 0x0c );
C_ASSERT( FIELD_OFFSET(LRPC_REQUEST_MESSAGE, ProcNum) == 0x14 );
C_ASSERT( FIELD_OFFSET(LRPC_REQUEST_MESSAGE, ObjectUuid) == 0x30 );
C_ASSERT( FIELD_OFFSET(LRPC_REQUEST_MESSAGE, LargeDataSize) == LRPC_IMMEDIATE_REQUEST_SIZE );
C_ASSERT( sizeof(LRPC_REQUEST_MESSAGE) == LRPC_LARGE_REQUEST_SIZE );
C_ASSERT( FIELD_OFFSET(LRPC_RESPONSE_MESSAGE, LargeDataSize) == LRPC_IMMEDIATE_RESPONSE_SIZE );
C_ASSERT( sizeof(LRPC_RESPONSE_MESSAGE) == LRPC_LARGE_RESPONSE_SIZE );
C_ASSERT( sizeof(LRPC_FAULT_MESSAGE) == 0x10 );

/* Each init function clears the structure and returns the size to send
 * before any immediate data. */

ULONG lrpc_init_bind( LRPC_BIND_MESSAGE *bind, const RPC_SYNTAX_IDENTIFIER *iface, USHORT binding_id )
{
    memset( bind, 0, sizeof(*bind) );
    bind->Header.MessageType = lmtBind;
    bind->Interface = *iface;
    bind->TransferSyntaxSet = LRPC_SYNTAX_DCE;
    bind->DceNdrSyntaxIdentifier = binding_id;
    return sizeof(*bind);
}

/* data_size above LRPC_MAX_IMMEDIATE_DATA makes a large request, whose data goes in a view */
ULONG lrpc_init_request( LRPC_REQUEST_MESSAGE *req, ULONG call_id, ULONG binding_id,
                         ULONG proc_num, const GUID *object, ULONG data_size )
{
    memset( req, 0, sizeof(*req) );
    req->Header.MessageType = lmtRequest;
    req->CallId = call_id;
    req->BindingId = binding_id;
    req->ProcNum = proc_num;
    if (object)
    {
        req->Flags |= LRPC_REQUEST_OBJECT_UUID;
        req->ObjectUuid = *object;
    }
    if (data_size <= LRPC_MAX_IMMEDIATE_DATA) return LRPC_IMMEDIATE_REQUEST_SIZE;
    req->Flags |= LRPC_REQUEST_VIEW_PRESENT;
    req->LargeDataSize = data_size;
    return LRPC_LARGE_REQUEST_SIZE;
}

ULONG lrpc_init_response( LRPC_RESPONSE_MESSAGE *resp, ULONG call_id, ULONG data_size )
{
    memset( resp, 0, sizeof(*resp) );
    resp->Header.MessageType = lmtResponse;
    resp->CallId = call_id;
    if (data_size <= LRPC_MAX_IMMEDIATE_DATA) return LRPC_IMMEDIATE_RESPONSE_SIZE;
    resp->Flags |= LRPC_RESPONSE_VIEW_PRESENT;
    resp->LargeDataSize = data_size;
    return LRPC_LARGE_RESPONSE_SIZE;
}

ULONG lrpc_init_fault( LRPC_FAULT_MESSAGE *fault, ULONG status )
{
    memset( fault, 0, sizeof(*fault) );
    fault->Header.MessageType = lmtFault;
    fault->RpcStatus = status;
    return sizeof(*fault);
}

/* Check that a received message is as long as its type and flags say, and
 * pick out its fields.  Data in a view is checked against the view later. */
BOOL lrpc_parse( const void *data, ULONG size, struct lrpc_info *info )
{
    const LRPC_HEADER *header = data;

    memset( info, 0, sizeof(*info) );
    if (size < sizeof(*header)) return FALSE;
    info->type = header->MessageType;

    switch (header->MessageType)
    {
    case lmtBind:
    {
        const LRPC_BIND_MESSAGE *bind = data;
        if (size < sizeof(*bind)) return FALSE;
        info->header_size = sizeof(*bind);
        info->status = bind->RpcStatus;
        info->binding_id = bind->DceNdrSyntaxIdentifier;
        return TRUE;
    }
    case lmtRequest:
    {
        const LRPC_REQUEST_MESSAGE *req = data;
        if (size < LRPC_IMMEDIATE_REQUEST_SIZE) return FALSE;
        info->flags = req->Flags;
        info->call_id = req->CallId;
        info->binding_id = req->BindingId;
        info->proc_num = req->ProcNum;
        if (req->Flags & LRPC_REQUEST_OBJECT_UUID) info->object = &req->ObjectUuid;
        if (req->Flags & LRPC_REQUEST_VIEW_PRESENT)
        {
            if (size < LRPC_LARGE_REQUEST_SIZE) return FALSE;
            info->large = TRUE;
            info->header_size = LRPC_LARGE_REQUEST_SIZE;
            info->data_size = req->LargeDataSize;
            return TRUE;
        }
        info->header_size = LRPC_IMMEDIATE_REQUEST_SIZE;
        info->data_size = size - LRPC_IMMEDIATE_REQUEST_SIZE;
        return TRUE;
    }
    case lmtResponse:
    {
        const LRPC_RESPONSE_MESSAGE *resp = data;
        if (size < LRPC_IMMEDIATE_RESPONSE_SIZE) return FALSE;
        info->flags = resp->Flags;
        info->call_id = resp->CallId;
        if (resp->Flags & LRPC_RESPONSE_VIEW_PRESENT)
        {
            if (size < LRPC_LARGE_RESPONSE_SIZE) return FALSE;
            info->large = TRUE;
            info->header_size = LRPC_LARGE_RESPONSE_SIZE;
            info->data_size = resp->LargeDataSize;
            return TRUE;
        }
        info->header_size = LRPC_IMMEDIATE_RESPONSE_SIZE;
        info->data_size = size - LRPC_IMMEDIATE_RESPONSE_SIZE;
        return TRUE;
    }
    case lmtFault:
    {
        const LRPC_FAULT_MESSAGE *fault = data;
        if (size < sizeof(*fault)) return FALSE;
        info->header_size = sizeof(*fault);
        info->status = fault->RpcStatus;
        info->flags = fault->Flags;
        info->data_size = size - sizeof(*fault);
        return TRUE;
    }
    default:
        info->header_size = sizeof(*header);
        info->data_size = size - sizeof(*header);
        return TRUE;
    }
}

/* The ALPC port name of an endpoint: "\RPC Control\<endpoint>".  Object names
 * cannot hold a backslash, yet Wine's COM listens on "\pipe\OLE_<oxid>": such
 * an endpoint loses its leading backslashes and the others become '_'.
 * Returns the length without the terminator, or 0 when it does not fit. */
SIZE_T lrpc_port_name( const char *endpoint, WCHAR *name, SIZE_T count )
{
    static const char prefix[] = LRPC_PORT_DIRECTORY;
    SIZE_T len = 0, i;

    while (*endpoint == '\\') endpoint++;
    if (!*endpoint || strlen( prefix ) + strlen( endpoint ) >= count) return 0;
    while (prefix[len]) { name[len] = prefix[len]; len++; }
    for (i = 0; endpoint[i]; i++)
        name[len++] = endpoint[i] == '\\' ? '_' : (unsigned char)endpoint[i];
    name[len] = 0;
    return len;
}

/* "LRPC-" and 18 hex digits, as Windows names a dynamic endpoint; ours are
 * the process id, a counter and a salt so that a restarted server does not
 * reuse the name a client may still hold */
void lrpc_dynamic_endpoint( char name[24], ULONG pid, ULONG counter, ULONG salt )
{
    snprintf( name, 24, "LRPC-%08x%04x%06x", (unsigned int)pid, (unsigned int)(counter & 0xffff),
              (unsigned int)(salt & 0xffffff) );
}
