// MeshCapi.Async.cs: how the .NET binding of mesh_capi makes its *Async
// methods: every call that talks to the server has a Task-returning twin
// taking a CancellationToken, made from the library's mesh_X_start and
// mesh_X_finish functions. No thread waits for a call: the library runs it
// on its own runtime and, once it completes, calls one static callback on
// its callback thread, which takes the result with mesh_X_finish, converts
// it as the blocking method does and completes the Task (its continuations
// run on the thread pool, never on the library's thread).
//
// Failures are the blocking method's: bad arguments throw at once, from the
// *Async call itself; a failed call faults the Task with the MeshException
// the blocking method throws. A cancelled token cancels the operation
// (mesh_operation_cancel) and the Task ends cancelled
// (TaskCanceledException, an OperationCanceledException carrying the
// token); a token cancelled before the call does not start it. What a
// cancelled write or commit did on the server is as for Session.Interrupt:
// it may have been applied. MESH_ERROR_CANCELLED for another reason (an
// Interrupt, the session closed meanwhile, MeshLibrary.Shutdown) is a
// MeshException with MeshStatus.ErrorCancelled, as for the blocking method.

using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>A mesh_X_start call with its arguments bound: starts the operation.</summary>
    internal delegate MeshStatus StartCall(out OperationHandle operation);

    /// <summary>A mesh_X_finish function with an out-parameter.</summary>
    internal delegate MeshStatus FinishCall<TOut>(OperationHandle operation, out TOut result);

    /// <summary>A mesh_X_finish function without one.</summary>
    internal delegate MeshStatus FinishDoneCall(OperationHandle operation);

    /// <summary>Runs mesh_X_start / mesh_X_finish pairs as Tasks.</summary>
    internal static class MeshOperation
    {
        // The one callback of every operation, referenced from a static
        // field so the collector never frees what the library calls.
        static readonly MeshOperationCallback Completed = OnCompleted;
        static readonly Action<object> CancelRequested = state => ((PendingOperation)state).Cancel();

        /// <summary>
        /// Starts an operation whose mesh_X_finish gives a TOut, made into
        /// the Task's T by convert (on the library's callback thread).
        /// keepAlive (a handle the call goes through, a token provider) is
        /// kept reachable until the operation completes.
        /// </summary>
        internal static Task<T> Start<TOut, T>(object keepAlive, StartCall start, FinishCall<TOut> finish,
            Func<TOut, T> convert, CancellationToken cancellationToken)
        {
            var pending = new PendingOperation<T>(keepAlive, cancellationToken, operation =>
            {
                TOut result;
                var status = finish(operation, out result);
                // Taken and freed by mesh_X_finish, whatever the status.
                operation.SetHandleAsInvalid();
                if (status != MeshStatus.Ok)
                {
                    var error = Native.Error(status);
                    var disposable = result as IDisposable;
                    if (disposable != null) disposable.Dispose();
                    throw error;
                }
                return convert(result);
            });
            return Launch(pending, start, cancellationToken);
        }

        /// <summary>Starts an operation whose mesh_X_finish gives nothing.</summary>
        internal static Task Start(object keepAlive, StartCall start, FinishDoneCall finish,
            CancellationToken cancellationToken)
        {
            var pending = new PendingOperation<bool>(keepAlive, cancellationToken, operation =>
            {
                var status = finish(operation);
                operation.SetHandleAsInvalid();
                if (status != MeshStatus.Ok) throw Native.Error(status);
                return true;
            });
            return Launch(pending, start, cancellationToken);
        }

        static Task<T> Launch<T>(PendingOperation<T> pending, StartCall start, CancellationToken cancellationToken)
        {
            MeshLibrary.Touch();
            if (cancellationToken.IsCancellationRequested)
            {
                // Not started at all: nothing reaches the server.
                pending.Source.TrySetCanceled(cancellationToken);
                return pending.Source.Task;
            }
            OperationHandle operation;
            var status = start(out operation);
            if (status != MeshStatus.Ok)
            {
                var error = Native.Error(status);
                if (operation != null) operation.Dispose();
                throw error;
            }
            pending.Begin(operation);
            var self = GCHandle.Alloc(pending);
            status = Native.mesh_operation_set_callback(operation, Completed, GCHandle.ToIntPtr(self));
            if (status != MeshStatus.Ok)
            {
                // No callback will come: drop the operation (cancelling it).
                var error = Native.Error(status);
                self.Free();
                pending.Abandon();
                throw error;
            }
            // From here on the callback may run at any time, even before the
            // token is watched (PendingOperation copes with either order).
            if (cancellationToken.CanBeCanceled)
                pending.Watch(cancellationToken.Register(CancelRequested, pending));
            return pending.Source.Task;
        }

        /// <summary>On the library's callback thread: must never throw.</summary>
        static void OnCompleted(IntPtr operation, MeshStatus status, IntPtr userData)
        {
            try
            {
                var self = GCHandle.FromIntPtr(userData);
                var pending = (PendingOperation)self.Target;
                self.Free();
                pending.Complete();
            }
            catch (Exception e)
            {
                // Complete faults its Task itself; this is for what went
                // wrong around it (a user_data that is not ours).
                MeshLibrary.Report(e);
            }
        }
    }

    /// <summary>One started operation, pinned by a GCHandle until its callback ran.</summary>
    internal abstract class PendingOperation
    {
        // Guards the handle between mesh_operation_cancel (any thread) and
        // mesh_X_finish (the callback thread), which frees it: cancel is
        // only ever called before finishing has begun.
        readonly object gate = new object();
        OperationHandle operation;
        bool finishing;
        CancellationTokenRegistration registration;
        protected readonly CancellationToken Token;
        // Kept reachable while the operation is pending.
        readonly object keepAlive;

        protected PendingOperation(object keepAlive, CancellationToken token)
        {
            this.keepAlive = keepAlive;
            Token = token;
        }

        internal void Begin(OperationHandle started)
        {
            lock (gate) operation = started;
        }

        /// <summary>Stops cancellation at once if the operation completed meanwhile.</summary>
        internal void Watch(CancellationTokenRegistration watching)
        {
            lock (gate)
            {
                if (!finishing)
                {
                    registration = watching;
                    return;
                }
            }
            watching.Dispose();
        }

        /// <summary>The token was cancelled (on the cancelling thread).</summary>
        internal void Cancel()
        {
            try
            {
                lock (gate)
                {
                    // Completes the operation with MESH_ERROR_CANCELLED
                    // unless it has completed already; quick, never waits.
                    if (!finishing && operation != null) Native.mesh_operation_cancel(operation);
                }
            }
            catch (Exception e)
            {
                MeshLibrary.Report(e);
            }
        }

        /// <summary>set_callback failed: no callback will come.</summary>
        internal void Abandon()
        {
            OperationHandle dropped;
            lock (gate)
            {
                finishing = true;
                dropped = operation;
                operation = null;
            }
            if (dropped != null) dropped.Dispose();
        }

        /// <summary>The operation completed: take its result (on the callback thread).</summary>
        internal void Complete()
        {
            OperationHandle taking;
            CancellationTokenRegistration watching;
            lock (gate)
            {
                finishing = true;
                taking = operation;
                operation = null;
                watching = registration;
                registration = default(CancellationTokenRegistration);
            }
            try
            {
                // Waits for a Cancel running on another thread, which returns
                // at once now that finishing is set.
                watching.Dispose();
            }
            catch (Exception e)
            {
                MeshLibrary.Report(e);
            }
            Take(taking);
            GC.KeepAlive(keepAlive);
        }

        /// <summary>Finishes the operation and completes the Task; never throws.</summary>
        protected abstract void Take(OperationHandle operation);
    }

    internal sealed class PendingOperation<T> : PendingOperation
    {
        internal readonly TaskCompletionSource<T> Source =
            new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly Func<OperationHandle, T> finish;

        internal PendingOperation(object keepAlive, CancellationToken token, Func<OperationHandle, T> finish)
            : base(keepAlive, token)
        {
            this.finish = finish;
        }

        protected override void Take(OperationHandle operation)
        {
            try
            {
                Source.TrySetResult(finish(operation));
            }
            catch (MeshException e)
            {
                if (e.Status == MeshStatus.ErrorCancelled && Token.IsCancellationRequested)
                    Source.TrySetCanceled(Token);
                else
                    Source.TrySetException(e);
            }
            catch (Exception e)
            {
                Source.TrySetException(e);
            }
        }
    }
}
