/*
 * ALPC completion lists
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

#include <stdarg.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(alpc);

/* The completion list layout that these helpers share with the kernel is not
 * publicly documented well enough to implement; they fail honestly. */

/***********************************************************************
 *             AlpcRegisterCompletionList (NTDLL.@)
 */
NTSTATUS WINAPI AlpcRegisterCompletionList( HANDLE port, ALPC_COMPLETION_LIST_HEADER *list, ULONG size,
                                            ULONG concurrency, ULONG flags )
{
    FIXME( "(%p,%p,%u,%u,%#x),stub!\n", port, list, (int)size, (int)concurrency, (int)flags );
    return STATUS_NOT_IMPLEMENTED;
}

/***********************************************************************
 *             AlpcUnregisterCompletionList (NTDLL.@)
 */
NTSTATUS WINAPI AlpcUnregisterCompletionList( HANDLE port )
{
    FIXME( "(%p),stub!\n", port );
    return STATUS_NOT_IMPLEMENTED;
}

/***********************************************************************
 *             AlpcRundownCompletionList (NTDLL.@)
 */
NTSTATUS WINAPI AlpcRundownCompletionList( HANDLE port )
{
    FIXME( "(%p),stub!\n", port );
    return STATUS_NOT_IMPLEMENTED;
}

/***********************************************************************
 *             AlpcAdjustCompletionListConcurrencyCount (NTDLL.@)
 */
NTSTATUS WINAPI AlpcAdjustCompletionListConcurrencyCount( HANDLE port, ULONG concurrency )
{
    FIXME( "(%p,%u),stub!\n", port, (int)concurrency );
    return STATUS_NOT_IMPLEMENTED;
}

/***********************************************************************
 *             AlpcRegisterCompletionListWorkerThread (NTDLL.@)
 */
BOOLEAN WINAPI AlpcRegisterCompletionListWorkerThread( void *list )
{
    FIXME( "(%p),stub!\n", list );
    return FALSE;
}

/***********************************************************************
 *             AlpcUnregisterCompletionListWorkerThread (NTDLL.@)
 */
BOOLEAN WINAPI AlpcUnregisterCompletionListWorkerThread( void *list )
{
    FIXME( "(%p),stub!\n", list );
    return FALSE;
}

/***********************************************************************
 *             AlpcGetMessageFromCompletionList (NTDLL.@)
 */
PORT_MESSAGE * WINAPI AlpcGetMessageFromCompletionList( void *list, ALPC_MESSAGE_ATTRIBUTES **attr )
{
    FIXME( "(%p,%p),stub!\n", list, attr );
    return NULL;
}

/***********************************************************************
 *             AlpcFreeCompletionListMessage (NTDLL.@)
 */
void WINAPI AlpcFreeCompletionListMessage( void *list, PORT_MESSAGE *msg )
{
    FIXME( "(%p,%p),stub!\n", list, msg );
}

/***********************************************************************
 *             AlpcGetCompletionListMessageAttributes (NTDLL.@)
 */
ALPC_MESSAGE_ATTRIBUTES * WINAPI AlpcGetCompletionListMessageAttributes( void *list, PORT_MESSAGE *msg )
{
    FIXME( "(%p,%p),stub!\n", list, msg );
    return NULL;
}

/***********************************************************************
 *             AlpcGetCompletionListLastMessageInformation (NTDLL.@)
 */
void WINAPI AlpcGetCompletionListLastMessageInformation( void *list, ULONG *last_message_id,
                                                         ULONG *last_callback_id )
{
    FIXME( "(%p,%p,%p),stub!\n", list, last_message_id, last_callback_id );
    if (last_message_id) *last_message_id = 0;
    if (last_callback_id) *last_callback_id = 0;
}

/***********************************************************************
 *             AlpcGetOutstandingCompletionListMessageCount (NTDLL.@)
 */
ULONG WINAPI AlpcGetOutstandingCompletionListMessageCount( void *list )
{
    FIXME( "(%p),stub!\n", list );
    return 0;
}
