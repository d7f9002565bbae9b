/*
 * ALPC message attribute buffers
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

/* Pure layout logic: compiled into ntdll.dll and, natively, into the unit tests. */

#include <stdarg.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"

#include "alpc_layout.h"

/***********************************************************************
 *             AlpcGetHeaderSize (NTDLL.@)
 */
ULONG WINAPI AlpcGetHeaderSize( ULONG flags )
{
    return attr_offset( flags, 0 );
}

/***********************************************************************
 *             AlpcInitializeMessageAttribute (NTDLL.@)
 */
NTSTATUS WINAPI AlpcInitializeMessageAttribute( ULONG flags, ALPC_MESSAGE_ATTRIBUTES *buffer,
                                                SIZE_T size, SIZE_T *required )
{
    SIZE_T needed = AlpcGetHeaderSize( flags );

    if (required) *required = needed;
    if (size < needed) return STATUS_BUFFER_TOO_SMALL;
    /* without a buffer only the size is checked (upstream Wine's alpc.c test, run on Windows) */
    if (!buffer) return STATUS_SUCCESS;
    buffer->AllocatedAttributes = flags;
    buffer->ValidAttributes = 0;
    return STATUS_SUCCESS;
}

/***********************************************************************
 *             AlpcGetMessageAttribute (NTDLL.@)
 */
void * WINAPI AlpcGetMessageAttribute( ALPC_MESSAGE_ATTRIBUTES *buffer, ULONG flag )
{
    return alpc_attr_block( buffer, flag );
}

/***********************************************************************
 *             AlpcMaxAllowedMessageLength (NTDLL.@)
 */
ULONG WINAPI AlpcMaxAllowedMessageLength(void)
{
    return ALPC_MAX_MESSAGE_LENGTH;
}
