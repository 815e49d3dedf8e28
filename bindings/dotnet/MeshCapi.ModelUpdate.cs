// MeshCapi.ModelUpdate.cs: changes to the Mesh model in the .NET binding
// of mesh_capi, made in a session (others see them after Commit):
// attribute values of every type, time series connections and
// expressions, links and link versions, and objects created, renamed,
// moved and deleted.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

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

        public void SetAttribute(string target, double value)
        {
            Native.Check(Native.mesh_attribute_update_double(handle, Text.In(target), value));
        }

        public void SetAttribute(string target, bool value)
        {
            Native.Check(Native.mesh_attribute_update_bool(handle, Text.In(target), value ? 1 : 0));
        }

        public void SetAttribute(string target, string value)
        {
            Native.Check(Native.mesh_attribute_update_string(handle, Text.In(target), Text.In(value)));
        }

        public void SetAttribute(string target, DateTime value)
        {
            SetAttributeUtcTime(target, MeshTime.ToUnixMs(value));
        }

        /// <summary>A UTC time attribute, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTime(string target, long valueMs)
        {
            Native.Check(Native.mesh_attribute_update_utc_time(handle, Text.In(target), valueMs));
        }

        public void SetAttribute(string target, long[] values)
        {
            Native.Check(Native.mesh_attribute_update_ints(handle, Text.In(target), values, Count(values)));
        }

        public void SetAttribute(string target, double[] values)
        {
            Native.Check(Native.mesh_attribute_update_doubles(handle, Text.In(target), values, Count(values)));
        }

        public void SetAttribute(string target, bool[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            var numbers = new int[values.Length];
            for (int i = 0; i < values.Length; i++) numbers[i] = values[i] ? 1 : 0;
            Native.Check(Native.mesh_attribute_update_bools(handle, Text.In(target), numbers, Count(values)));
        }

        public void SetAttribute(string target, string[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            using (var texts = new TextArray(values))
                Native.Check(Native.mesh_attribute_update_strings(handle, Text.In(target), texts.Pointers, Count(values)));
        }

        /// <summary>A UTC time collection, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTimes(string target, long[] valuesMs)
        {
            Native.Check(Native.mesh_attribute_update_utc_times(handle, Text.In(target), valuesMs, Count(valuesMs)));
        }

        /// <summary>Connects a time series attribute to the series with this key.</summary>
        public void SetTimeseriesKey(string target, long key)
        {
            Native.Check(Native.mesh_attribute_update_timeseries_key(handle, Text.In(target), key));
        }

        /// <summary>Sets a time series attribute's local expression.</summary>
        public void SetExpression(string target, string expression)
        {
            Native.Check(Native.mesh_attribute_update_expression(handle, Text.In(target), Text.In(expression)));
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

        /// <summary>Replaces (or, append: adds to) the targets of a link relation.</summary>
        public void SetLinks(string target, IList<string> targetIds, bool append = false)
        {
            if (targetIds == null) throw new ArgumentNullException("targetIds");
            using (var ids = new TextArray(targetIds))
                Native.Check(Native.mesh_attribute_update_links(handle, Text.In(target), ids.Pointers,
                    (UIntPtr)(uint)targetIds.Count, append ? 1 : 0));
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

        /// <summary>Creates a model (a root object) of the model definition `definition`.</summary>
        public MeshObject CreateModel(string name, string definition)
        {
            ObjectHandle obj;
            Native.Check(Native.mesh_model_create(handle, Text.In(name), Text.In(definition), out obj));
            return new MeshObject(obj);
        }

        public void RenameObject(string target, string newName)
        {
            Native.Check(Native.mesh_object_rename(handle, Text.In(target), Text.In(newName)));
        }

        /// <summary>Moves the object under another ownership attribute.</summary>
        public void MoveObject(string target, string newOwner)
        {
            Native.Check(Native.mesh_object_move(handle, Text.In(target), Text.In(newOwner)));
        }

        /// <summary>Deletes the object; recursive: with what it owns.</summary>
        public void DeleteObject(string target, bool recursive = false)
        {
            Native.Check(Native.mesh_object_delete(handle, Text.In(target), recursive ? 1 : 0));
        }

        static UIntPtr Count(Array values)
        {
            if (values == null) throw new ArgumentNullException("values");
            return (UIntPtr)(uint)values.Length;
        }
    }
}
