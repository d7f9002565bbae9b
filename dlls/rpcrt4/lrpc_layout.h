/*
 * Windows LRPC messages: local RPC over ALPC ports
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

/*
 * The layout below is what public descriptions of Windows' LRPC give
 * (lpc-alpc-reference-full.md, section 10): the x64 structures, as far as
 * they are known.  Fields nobody has described are kept as "unknown" and
 * sent as zero.  Everything that may turn out different on Windows is in
 * this file and lrpc_msg.c, under one version name.
 */

#ifndef __WINE_LRPC_LAYOUT_H
#define __WINE_LRPC_LAYOUT_H

#define LRPC_LAYOUT_NT_PUBLIC_1  1
#define LRPC_LAYOUT_VERSION      LRPC_LAYOUT_NT_PUBLIC_1

/* LRPC_HEADER.MessageType */
enum lrpc_message_type
{
    lmtRequest          = 0,
    lmtBind             = 1,
    lmtFault            = 2,
    lmtResponse         = 3,
    lmtCancel           = 4,
    lmtReservedMessage  = 5,
    lmtCallbackAck      = 7,
    lmtCallbackNack     = 8,
    lmtCallbackRequest  = 9,
    lmtCallbackReply    = 10,
    lmtCallbackFault    = 11,
    lmtPipePull         = 12,
    lmtPipeAck          = 13,
};

typedef struct
{
    ULONG MessageType;
    ULONG Padding;
} LRPC_HEADER;

/* LRPC_BIND_MESSAGE.TransferSyntaxSet */
#define LRPC_SYNTAX_DCE          0x1
#define LRPC_SYNTAX_NDR64        0x2
#define LRPC_SYNTAX_FAKE_NDR64   0x4

/* a bind, and its reply: the same structure with RpcStatus set */
typedef struct
{
    LRPC_HEADER           Header;                    /* 0x00 */
    ULONG                 RpcStatus;                 /* 0x08 */
    RPC_SYNTAX_IDENTIFIER Interface;                 /* 0x0c */
    ULONG                 TransferSyntaxSet;         /* 0x20 */
    USHORT                DceNdrSyntaxIdentifier;    /* 0x24: the binding id of later requests */
    USHORT                Ndr64SyntaxIdentifier;     /* 0x26 */
    USHORT                FakeNdr64SyntaxIdentifier; /* 0x28 */
    USHORT                Unknown2A;
    ULONG                 RegisterMultipleSyntax;    /* 0x2c */
    ULONG                 UseFlowId;                 /* 0x30 */
    ULONG                 Unknown34;
    ULONGLONG             FlowId;                    /* 0x38 */
    ULONG                 ContextId;                 /* 0x40 */
    ULONG                 Unknown44;
} LRPC_BIND_MESSAGE;

/* LRPC_REQUEST_MESSAGE.Flags */
#define LRPC_REQUEST_OBJECT_UUID      0x001
#define LRPC_REQUEST_PART_OF_FLOW     0x002
#define LRPC_REQUEST_VIEW_PRESENT     0x004
#define LRPC_REQUEST_CANCEL           0x008
#define LRPC_REQUEST_PIPE             0x040
#define LRPC_REQUEST_PIPE_LAST_CHUNK  0x080
#define LRPC_REQUEST_VIEW_NOT_SECURE  0x100

/* the immediate request is followed by the NDR data; a large one (LargeDataSize
 * present, VIEW_PRESENT set) has its data in the message's view */
typedef struct
{
    LRPC_HEADER Header;          /* 0x00 */
    ULONG       Flags;           /* 0x08 */
    ULONG       CallId;          /* 0x0c */
    ULONG       BindingId;       /* 0x10 */
    ULONG       ProcNum;         /* 0x14 */
    BYTE        Unknown18[0x18];
    GUID        ObjectUuid;      /* 0x30 */
    ULONG       LargeDataSize;   /* 0x40, large requests only */
    ULONG       Unknown44;
} LRPC_REQUEST_MESSAGE;

#define LRPC_IMMEDIATE_REQUEST_SIZE  0x40
#define LRPC_LARGE_REQUEST_SIZE      0x48

/* LRPC_RESPONSE_MESSAGE.Flags */
#define LRPC_RESPONSE_VIEW_PRESENT   0x004

typedef struct
{
    LRPC_HEADER Header;          /* 0x00 */
    ULONG       Flags;           /* 0x08 */
    ULONG       CallId;          /* 0x0c */
    ULONG       Unknown10;
    ULONG       Unknown14;
    ULONG       LargeDataSize;   /* 0x18, large responses only */
    ULONG       Unknown1C;
} LRPC_RESPONSE_MESSAGE;

#define LRPC_IMMEDIATE_RESPONSE_SIZE 0x18
#define LRPC_LARGE_RESPONSE_SIZE     0x20

/* LRPC_FAULT_MESSAGE.Flags */
#define LRPC_FAULT_EXTENDED_ERROR    0x1

typedef struct
{
    LRPC_HEADER Header;          /* 0x00 */
    ULONG       RpcStatus;       /* 0x08: a Win32 error, not an NCA status */
    ULONG       Flags;           /* 0x0c */
} LRPC_FAULT_MESSAGE;

/* NDR data larger than this travels in a view.  The public clients differ
 * (0xf00 and 0x900); a receiver takes either form at any size. */
#define LRPC_MAX_IMMEDIATE_DATA  0xf00

/* what a client asks of its port, and what a server's connection port allows */
#define LRPC_MAX_MESSAGE_LENGTH  0x1000

#define LRPC_PORT_DIRECTORY      "\\RPC Control\\"

/* what lrpc_parse found in one received message */
struct lrpc_info
{
    ULONG       type;            /* enum lrpc_message_type */
    ULONG       header_size;     /* where the immediate data starts */
    ULONG       flags;
    ULONG       call_id;
    ULONG       binding_id;
    ULONG       proc_num;
    ULONG       status;          /* bind reply, fault */
    ULONG       data_size;       /* immediate: after the header; large: LargeDataSize */
    BOOL        large;
    const GUID *object;
};

ULONG lrpc_init_bind( LRPC_BIND_MESSAGE *bind, const RPC_SYNTAX_IDENTIFIER *iface,
                      USHORT binding_id );
ULONG lrpc_init_request( LRPC_REQUEST_MESSAGE *req, ULONG call_id, ULONG binding_id,
                         ULONG proc_num, const GUID *object, ULONG data_size );
ULONG lrpc_init_response( LRPC_RESPONSE_MESSAGE *resp, ULONG call_id, ULONG data_size );
ULONG lrpc_init_fault( LRPC_FAULT_MESSAGE *fault, ULONG status );
BOOL lrpc_parse( const void *data, ULONG size, struct lrpc_info *info );

SIZE_T lrpc_port_name( const char *endpoint, WCHAR *name, SIZE_T count );
void lrpc_dynamic_endpoint( char name[24], ULONG pid, ULONG counter, ULONG salt );

#endif /* __WINE_LRPC_LAYOUT_H */
