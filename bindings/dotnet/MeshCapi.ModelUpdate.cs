// MeshCapi.ModelUpdate.cs: changes to the Mesh model in the .NET binding
// of mesh_capi, made in a session (others see them after Commit):
// attribute values of every type, time series connections and
// expressions, links and link versions, and objects created, renamed,
// moved and deleted.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>NUL-terminated UTF-8 copies for `const char *const *` arguments, freed on Dispose.</summary>
    internal sealed class TextArray : IDisposable
    {
        internal readonly IntPtr[] Pointers;

        internal TextArray(IList<string> texts)
        {
            Pointers = new IntPtr[texts.Count];
            try
            {
                for (int i = 0; i < texts.Count; i++)
                {
                    var bytes = MeshCapi.Text.In(texts[i]);
                    if (bytes == null) continue;
                    Pointers[i] = Marshal.AllocHGlobal(bytes.Length);
                    Marshal.Copy(bytes, 0, Pointers[i], bytes.Length);
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < Pointers.Length; i++)
            {
                if (Pointers[i] != IntPtr.Zero) Marshal.FreeHGlobal(Pointers[i]);
                Pointers[i] = IntPtr.Zero;
            }
        }
    }

    public sealed partial class Session
    {
        // ------------------------------------------------------------ updates (in this session)

        public void SetAttribute(string target, long value)
        {
            Native.Check(Native.mesh_attribute_update_int(handle, Text.In(target), value));
        }

        public Task SetAttributeAsync(string target, long value, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_int_start(handle, Text.In(target), value, out op),
                Native.mesh_attribute_update_int_finish, cancellationToken);
        }

        public void SetAttribute(string target, double value)
        {
            Native.Check(Native.mesh_attribute_update_double(handle, Text.In(target), value));
        }

        public Task SetAttributeAsync(string target, double value, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_double_start(handle, Text.In(target), value, out op),
                Native.mesh_attribute_update_double_finish, cancellationToken);
        }

        public void SetAttribute(string target, bool value)
        {
            Native.Check(Native.mesh_attribute_update_bool(handle, Text.In(target), value ? 1 : 0));
        }

        public Task SetAttributeAsync(string target, bool value, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_bool_start(handle, Text.In(target), value ? 1 : 0, out op),
                Native.mesh_attribute_update_bool_finish, cancellationToken);
        }

        public void SetAttribute(string target, string value)
        {
            Native.Check(Native.mesh_attribute_update_string(handle, Text.In(target), Text.In(value)));
        }

        public Task SetAttributeAsync(string target, string value, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_string_start(handle, Text.In(target), Text.In(value), out op),
                Native.mesh_attribute_update_string_finish, cancellationToken);
        }

        public void SetAttribute(string target, DateTime value)
        {
            SetAttributeUtcTime(target, MeshTime.ToUnixMs(value));
        }

        public Task SetAttributeAsync(string target, DateTime value, CancellationToken cancellationToken = default(CancellationToken))
        {
            return SetAttributeUtcTimeAsync(target, MeshTime.ToUnixMs(value), cancellationToken);
        }

        /// <summary>A UTC time attribute, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTime(string target, long valueMs)
        {
            Native.Check(Native.mesh_attribute_update_utc_time(handle, Text.In(target), valueMs));
        }

        public Task SetAttributeUtcTimeAsync(string target, long valueMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_utc_time_start(handle, Text.In(target), valueMs, out op),
                Native.mesh_attribute_update_utc_time_finish, cancellationToken);
        }

        public void SetAttribute(string target, long[] values)
        {
            Native.Check(Native.mesh_attribute_update_ints(handle, Text.In(target), values, Count(values)));
        }

        public Task SetAttributeAsync(string target, long[] values, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_ints_start(handle, Text.In(target), values, Count(values), out op),
                Native.mesh_attribute_update_ints_finish, cancellationToken);
        }

        public void SetAttribute(string target, double[] values)
        {
            Native.Check(Native.mesh_attribute_update_doubles(handle, Text.In(target), values, Count(values)));
        }

        public Task SetAttributeAsync(string target, double[] values, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_doubles_start(handle, Text.In(target), values, Count(values), out op),
                Native.mesh_attribute_update_doubles_finish, cancellationToken);
        }

        public void SetAttribute(string target, bool[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            var numbers = new int[values.Length];
            for (int i = 0; i < values.Length; i++) numbers[i] = values[i] ? 1 : 0;
            Native.Check(Native.mesh_attribute_update_bools(handle, Text.In(target), numbers, Count(values)));
        }

        public Task SetAttributeAsync(string target, bool[] values, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (values == null) throw new ArgumentNullException("values");
            var numbers = new int[values.Length];
            for (int i = 0; i < values.Length; i++) numbers[i] = values[i] ? 1 : 0;
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_bools_start(handle, Text.In(target), numbers, Count(values), out op),
                Native.mesh_attribute_update_bools_finish, cancellationToken);
        }

        public void SetAttribute(string target, string[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            using (var texts = new TextArray(values))
                Native.Check(Native.mesh_attribute_update_strings(handle, Text.In(target), texts.Pointers, Count(values)));
        }

        public Task SetAttributeAsync(string target, string[] values, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (values == null) throw new ArgumentNullException("values");
            return DoneAsync((out OperationHandle op) =>
            {
                // The library copies them: freed once the call has started.
                using (var texts = new TextArray(values))
                    return Native.mesh_attribute_update_strings_start(handle, Text.In(target), texts.Pointers, Count(values), out op);
            }, Native.mesh_attribute_update_strings_finish, cancellationToken);
        }

        /// <summary>A UTC time collection, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTimes(string target, long[] valuesMs)
        {
            Native.Check(Native.mesh_attribute_update_utc_times(handle, Text.In(target), valuesMs, Count(valuesMs)));
        }

        public Task SetAttributeUtcTimesAsync(string target, long[] valuesMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_utc_times_start(handle, Text.In(target), valuesMs, Count(valuesMs), out op),
                Native.mesh_attribute_update_utc_times_finish, cancellationToken);
        }

        /// <summary>Connects a time series attribute to the series with this key.</summary>
        public void SetTimeseriesKey(string target, long key)
        {
            Native.Check(Native.mesh_attribute_update_timeseries_key(handle, Text.In(target), key));
        }

        public Task SetTimeseriesKeyAsync(string target, long key, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_timeseries_key_start(handle, Text.In(target), key, out op),
                Native.mesh_attribute_update_timeseries_key_finish, cancellationToken);
        }

        /// <summary>Sets a time series attribute's local expression.</summary>
        public void SetExpression(string target, string expression)
        {
            Native.Check(Native.mesh_attribute_update_expression(handle, Text.In(target), Text.In(expression)));
        }

        public Task SetExpressionAsync(string target, string expression, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_update_expression_start(handle, Text.In(target), Text.In(expression), out op),
                Native.mesh_attribute_update_expression_finish, cancellationToken);
        }

        /// <summary>
        /// Changes the time series attribute definition `target` (id or
        /// path) for all its attributes: its template expression, its
        /// description, or both; null leaves that part as it is (not both).
        /// </summary>
        public void UpdateAttributeDefinition(string target, string newTemplateExpression = null, string newDescription = null)
        {
            Native.Check(Native.mesh_attribute_definition_update(handle, Text.In(target),
                Text.In(newTemplateExpression), Text.In(newDescription)));
        }

        public Task UpdateAttributeDefinitionAsync(string target, string newTemplateExpression = null, string newDescription = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_attribute_definition_update_start(handle, Text.In(target),
                Text.In(newTemplateExpression), Text.In(newDescription), out op),
                Native.mesh_attribute_definition_update_finish, cancellationToken);
        }

        /// <summary>Replaces (or, append: adds to) the targets of a link relation.</summary>
        public void SetLinks(string target, IList<string> targetIds, bool append = false)
        {
            if (targetIds == null) throw new ArgumentNullException("targetIds");
            using (var ids = new TextArray(targetIds))
                Native.Check(Native.mesh_attribute_update_links(handle, Text.In(target), ids.Pointers,
                    (UIntPtr)(uint)targetIds.Count, append ? 1 : 0));
        }

        public Task SetLinksAsync(string target, IList<string> targetIds, bool append = false, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (targetIds == null) throw new ArgumentNullException("targetIds");
            return DoneAsync((out OperationHandle op) =>
            {
                using (var ids = new TextArray(targetIds))
                    return Native.mesh_attribute_update_links_start(handle, Text.In(target), ids.Pointers,
                        (UIntPtr)(uint)targetIds.Count, append ? 1 : 0, out op);
            }, Native.mesh_attribute_update_links_finish, cancellationToken);
        }

        /// <summary>
        /// Replaces the versions of a one-to-one versioned link in
        /// [startMs, endMs) (both MeshConstants.TimeNone: all time).
        /// </summary>
        public void SetLinkVersions(string target, long startMs, long endMs, IList<LinkVersion> versions)
        {
            if (versions == null) throw new ArgumentNullException("versions");
            var from = new long[versions.Count];
            var ids = new string[versions.Count];
            for (int i = 0; i < versions.Count; i++)
            {
                from[i] = versions[i].ValidFromMs;
                ids[i] = versions[i].TargetId;
            }
            using (var texts = new TextArray(ids))
                Native.Check(Native.mesh_attribute_update_link_versions(handle, Text.In(target), startMs, endMs,
                    from, texts.Pointers, Count(from)));
        }

        public Task SetLinkVersionsAsync(string target, long startMs, long endMs, IList<LinkVersion> versions,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (versions == null) throw new ArgumentNullException("versions");
            var from = new long[versions.Count];
            var ids = new string[versions.Count];
            for (int i = 0; i < versions.Count; i++)
            {
                from[i] = versions[i].ValidFromMs;
                ids[i] = versions[i].TargetId;
            }
            return DoneAsync((out OperationHandle op) =>
            {
                using (var texts = new TextArray(ids))
                    return Native.mesh_attribute_update_link_versions_start(handle, Text.In(target), startMs, endMs,
                        from, texts.Pointers, Count(from), out op);
            }, Native.mesh_attribute_update_link_versions_finish, cancellationToken);
        }

        /// <summary>Replaces every entry of a one-to-many versioned link (each entry its versions).</summary>
        public void SetLinkVersionEntries(string target, IList<IList<LinkVersion>> entries)
        {
            if (entries == null) throw new ArgumentNullException("entries");
            var sizes = new UIntPtr[entries.Count];
            var from = new List<long>();
            var ids = new List<string>();
            for (int e = 0; e < entries.Count; e++)
            {
                sizes[e] = (UIntPtr)(uint)entries[e].Count;
                foreach (var version in entries[e])
                {
                    from.Add(version.ValidFromMs);
                    ids.Add(version.TargetId);
                }
            }
            using (var texts = new TextArray(ids))
                Native.Check(Native.mesh_attribute_update_link_version_entries(handle, Text.In(target), sizes,
                    (UIntPtr)(uint)sizes.Length, from.ToArray(), texts.Pointers, (UIntPtr)(uint)from.Count));
        }

        public Task SetLinkVersionEntriesAsync(string target, IList<IList<LinkVersion>> entries, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (entries == null) throw new ArgumentNullException("entries");
            var sizes = new UIntPtr[entries.Count];
            var from = new List<long>();
            var ids = new List<string>();
            for (int e = 0; e < entries.Count; e++)
            {
                sizes[e] = (UIntPtr)(uint)entries[e].Count;
                foreach (var version in entries[e])
                {
                    from.Add(version.ValidFromMs);
                    ids.Add(version.TargetId);
                }
            }
            return DoneAsync((out OperationHandle op) =>
            {
                using (var texts = new TextArray(ids))
                    return Native.mesh_attribute_update_link_version_entries_start(handle, Text.In(target), sizes,
                        (UIntPtr)(uint)sizes.Length, from.ToArray(), texts.Pointers, (UIntPtr)(uint)from.Count, out op);
            }, Native.mesh_attribute_update_link_version_entries_finish, cancellationToken);
        }

        /// <summary>
        /// Creates an object named `name` under the ownership attribute
        /// `owner`; under a model, `owner` names the model and `definition`
        /// the object definition (otherwise null).
        /// </summary>
        public MeshObject CreateObject(string owner, string name, string definition = null)
        {
            ObjectHandle obj;
            Native.Check(Native.mesh_object_create(handle, Text.In(owner), Text.In(name), Text.In(definition), out obj));
            return new MeshObject(obj);
        }

        public Task<MeshObject> CreateObjectAsync(string owner, string name, string definition = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectHandle, MeshObject>(handle,
                (out OperationHandle op) => Native.mesh_object_create_start(handle, Text.In(owner), Text.In(name),
                    Text.In(definition), out op),
                Native.mesh_object_create_finish, obj => new MeshObject(obj), cancellationToken);
        }

        /// <summary>Creates a model (a root object) of the model definition `definition`.</summary>
        public MeshObject CreateModel(string name, string definition)
        {
            ObjectHandle obj;
            Native.Check(Native.mesh_model_create(handle, Text.In(name), Text.In(definition), out obj));
            return new MeshObject(obj);
        }

        public Task<MeshObject> CreateModelAsync(string name, string definition, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectHandle, MeshObject>(handle,
                (out OperationHandle op) => Native.mesh_model_create_start(handle, Text.In(name), Text.In(definition), out op),
                Native.mesh_model_create_finish, obj => new MeshObject(obj), cancellationToken);
        }

        public void RenameObject(string target, string newName)
        {
            Native.Check(Native.mesh_object_rename(handle, Text.In(target), Text.In(newName)));
        }

        public Task RenameObjectAsync(string target, string newName, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_object_rename_start(handle, Text.In(target), Text.In(newName), out op),
                Native.mesh_object_rename_finish, cancellationToken);
        }

        /// <summary>Moves the object under another ownership attribute.</summary>
        public void MoveObject(string target, string newOwner)
        {
            Native.Check(Native.mesh_object_move(handle, Text.In(target), Text.In(newOwner)));
        }

        public Task MoveObjectAsync(string target, string newOwner, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_object_move_start(handle, Text.In(target), Text.In(newOwner), out op),
                Native.mesh_object_move_finish, cancellationToken);
        }

        /// <summary>Deletes the object; recursive: with what it owns.</summary>
        public void DeleteObject(string target, bool recursive = false)
        {
            Native.Check(Native.mesh_object_delete(handle, Text.In(target), recursive ? 1 : 0));
        }

        public Task DeleteObjectAsync(string target, bool recursive = false, CancellationToken cancellationToken = default(CancellationToken))
        {
            return DoneAsync((out OperationHandle op) => Native.mesh_object_delete_start(handle, Text.In(target), recursive ? 1 : 0, out op),
                Native.mesh_object_delete_finish, cancellationToken);
        }

        static UIntPtr Count(Array values)
        {
            if (values == null) throw new ArgumentNullException("values");
            return (UIntPtr)(uint)values.Length;
        }
    }
}
