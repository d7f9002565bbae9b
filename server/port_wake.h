/*
 * Futex wake-ups for threads that wait on ports
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

#ifndef __WINE_SERVER_PORT_WAKE_H
#define __WINE_SERVER_PORT_WAKE_H

/* let the current thread sleep on its futex word until the owner of 'waiters' wakes it;
 * 'slot' is as the thread passed it in its request: its index + 1, or 0 for none */
extern void port_wake_register( struct list *waiters, unsigned int slot );
/* wake every thread registered on 'waiters' */
extern void port_wake_all( struct list *waiters );
/* forget the threads registered on 'waiters', which is going away */
extern void port_wake_detach( struct list *waiters );
extern void port_wake_thread_terminated( struct thread *thread );

#endif /* __WINE_SERVER_PORT_WAKE_H */
