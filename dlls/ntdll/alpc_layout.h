/*
 * ALPC message attribute buffer layout, shared by the PE and Unix sides
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

#ifndef __WINE_NTDLL_ALPC_LAYOUT_H
#define __WINE_NTDLL_ALPC_LAYOUT_H

/* TotalLength is a 16-bit field, so no ALPC message can be longer */
#define ALPC_MAX_MESSAGE_LENGTH 0xffff

/* Attribute blocks follow the 8-byte header in descending flag order. */
static const struct
{
    ULONG flag;
    SIZE_T size;
} attr_blocks[] =
{
    { ALPC_MESSAGE_SECURITY_ATTRIBUTE,       sizeof(ALPC_SECURITY_ATTR) },
    { ALPC_MESSAGE_VIEW_ATTRIBUTE,           sizeof(ALPC_DATA_VIEW_ATTR) },
    { ALPC_MESSAGE_CONTEXT_ATTRIBUTE,        sizeof(ALPC_CONTEXT_ATTR) },
    { ALPC_MESSAGE_HANDLE_ATTRIBUTE,         sizeof(ALPC_HANDLE_ATTR) },
    { ALPC_MESSAGE_TOKEN_ATTRIBUTE,          sizeof(ALPC_TOKEN_ATTR) },
    { ALPC_MESSAGE_DIRECT_ATTRIBUTE,         sizeof(ALPC_DIRECT_ATTR) },
    { ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE, sizeof(ALPC_WORK_ON_BEHALF_ATTR) },
};

/* offset of the block for flag, counting only the blocks allocated before it */
static inline SIZE_T attr_offset( ULONG allocated, ULONG flag )
{
    SIZE_T offset = sizeof(ALPC_MESSAGE_ATTRIBUTES);
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(attr_blocks) && attr_blocks[i].flag != flag; i++)
        if (allocated & attr_blocks[i].flag) offset += attr_blocks[i].size;
    return offset;
}

/* the block for one attribute flag, or NULL when the buffer has none */
static inline void *alpc_attr_block( ALPC_MESSAGE_ATTRIBUTES *buffer, ULONG flag )
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(attr_blocks); i++)
        if (attr_blocks[i].flag == flag) break;
    if (i == ARRAY_SIZE(attr_blocks) || !(buffer->AllocatedAttributes & flag)) return NULL;
    return (char *)buffer + attr_offset( buffer->AllocatedAttributes, flag );
}

#endif /* __WINE_NTDLL_ALPC_LAYOUT_H */
