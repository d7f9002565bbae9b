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

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "unix_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(alpc);


/***********************************************************************
 *             NtAlpcCreatePort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreatePort( HANDLE *handle, OBJECT_ATTRIBUTES *attr,
                                  ALPC_PORT_ATTRIBUTES *port_attr )
{
    FIXME( "(%p,%p,%p),stub!\n", handle, attr, port_attr );
    return STATUS_NOT_IMPLEMENTED;
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
    FIXME( "(%p,%s,%p,%p,%#x,%p,%p,%p,%p,%p,%p),stub!\n", handle, debugstr_us(name), attr,
           port_attr, (int)flags, sid, msg, len, out_attr, in_attr, timeout );
    return STATUS_NOT_IMPLEMENTED;
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
    FIXME( "(%p,%p,%p,%p,%#x,%p,%p,%p,%p,%p,%p),stub!\n", handle, conn_attr, attr, port_attr,
           (int)flags, sd, msg, len, out_attr, in_attr, timeout );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcAcceptConnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcAcceptConnectPort( HANDLE *handle, HANDLE port, ULONG flags,
                                         OBJECT_ATTRIBUTES *attr, ALPC_PORT_ATTRIBUTES *port_attr,
                                         void *context, PORT_MESSAGE *msg,
                                         ALPC_MESSAGE_ATTRIBUTES *msg_attr, BOOLEAN accept )
{
    FIXME( "(%p,%p,%#x,%p,%p,%p,%p,%p,%d),stub!\n", handle, port, (int)flags, attr, port_attr,
           context, msg, msg_attr, accept );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcSendWaitReceivePort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcSendWaitReceivePort( HANDLE port, ULONG flags, PORT_MESSAGE *send,
                                           ALPC_MESSAGE_ATTRIBUTES *send_attr, PORT_MESSAGE *recv,
                                           SIZE_T *len, ALPC_MESSAGE_ATTRIBUTES *recv_attr,
                                           LARGE_INTEGER *timeout )
{
    FIXME( "(%p,%#x,%p,%p,%p,%p,%p,%p),stub!\n", port, (int)flags, send, send_attr, recv, len,
           recv_attr, timeout );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcDisconnectPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDisconnectPort( HANDLE port, ULONG flags )
{
    FIXME( "(%p,%#x),stub!\n", port, (int)flags );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcCancelMessage (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCancelMessage( HANDLE port, ULONG flags, ALPC_CONTEXT_ATTR *context )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, context );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcCreatePortSection (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreatePortSection( HANDLE port, ULONG flags, HANDLE section, SIZE_T size,
                                         ALPC_HANDLE *alpc_section, SIZE_T *actual_size )
{
    FIXME( "(%p,%#x,%p,%#lx,%p,%p),stub!\n", port, (int)flags, section, (unsigned long)size,
           alpc_section, actual_size );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcDeletePortSection (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeletePortSection( HANDLE port, ULONG flags, ALPC_HANDLE section )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, section );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcCreateSectionView (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateSectionView( HANDLE port, ULONG flags, ALPC_DATA_VIEW_ATTR *view )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, view );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcDeleteSectionView (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteSectionView( HANDLE port, ULONG flags, void *base )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, base );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcCreateSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateSecurityContext( HANDLE port, ULONG flags,
                                             ALPC_SECURITY_ATTR *security )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, security );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcDeleteSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteSecurityContext( HANDLE port, ULONG flags, ALPC_HANDLE context )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, context );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcRevokeSecurityContext (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcRevokeSecurityContext( HANDLE port, ULONG flags, ALPC_HANDLE context )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, context );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcCreateResourceReserve (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcCreateResourceReserve( HANDLE port, ULONG flags, SIZE_T size,
                                             ALPC_HANDLE *reserve )
{
    FIXME( "(%p,%#x,%#lx,%p),stub!\n", port, (int)flags, (unsigned long)size, reserve );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcDeleteResourceReserve (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcDeleteResourceReserve( HANDLE port, ULONG flags, ALPC_HANDLE reserve )
{
    FIXME( "(%p,%#x,%p),stub!\n", port, (int)flags, reserve );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcQueryInformation (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcQueryInformation( HANDLE port, ALPC_PORT_INFORMATION_CLASS class, void *info,
                                        ULONG len, ULONG *ret_len )
{
    FIXME( "(%p,%d,%p,%u,%p),stub!\n", port, class, info, (int)len, ret_len );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcSetInformation (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcSetInformation( HANDLE port, ALPC_PORT_INFORMATION_CLASS class, void *info,
                                      ULONG len )
{
    FIXME( "(%p,%d,%p,%u),stub!\n", port, class, info, (int)len );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcQueryInformationMessage (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcQueryInformationMessage( HANDLE port, PORT_MESSAGE *msg,
                                               ALPC_MESSAGE_INFORMATION_CLASS class, void *info,
                                               ULONG len, ULONG *ret_len )
{
    FIXME( "(%p,%p,%d,%p,%u,%p),stub!\n", port, msg, class, info, (int)len, ret_len );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcImpersonateClientOfPort (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcImpersonateClientOfPort( HANDLE port, PORT_MESSAGE *msg, void *flags )
{
    FIXME( "(%p,%p,%p),stub!\n", port, msg, flags );
    return STATUS_NOT_IMPLEMENTED;
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


/***********************************************************************
 *             NtAlpcOpenSenderProcess (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcOpenSenderProcess( HANDLE *handle, HANDLE port, PORT_MESSAGE *msg,
                                         ULONG flags, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr )
{
    FIXME( "(%p,%p,%p,%#x,%#x,%p),stub!\n", handle, port, msg, (int)flags, (int)access, attr );
    return STATUS_NOT_IMPLEMENTED;
}


/***********************************************************************
 *             NtAlpcOpenSenderThread (NTDLL.@)
 */
NTSTATUS WINAPI NtAlpcOpenSenderThread( HANDLE *handle, HANDLE port, PORT_MESSAGE *msg, ULONG flags,
                                        ACCESS_MASK access, OBJECT_ATTRIBUTES *attr )
{
    FIXME( "(%p,%p,%p,%#x,%#x,%p),stub!\n", handle, port, msg, (int)flags, (int)access, attr );
    return STATUS_NOT_IMPLEMENTED;
}
