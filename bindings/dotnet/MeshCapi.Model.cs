// MeshCapi.Model.cs: reading the Mesh model in the .NET binding of
// mesh_capi: objects and attributes (got, searched, listed), attribute
// values by type, and the links pointing at an object. Definitions are in
// MeshCapi.Definition.cs, changes in MeshCapi.ModelUpdate.cs, XY sets and
// rating curves in MeshCapi.Curves.cs.
//
// Objects and attributes are live views over the library's snapshots. A
// list owns its items and an object its attributes: the items borrow their
// handles, so every call on one holds a reference on its owner's
// SafeHandle (a Dispose meanwhile frees the owner after the call), and
// after the owner is disposed they throw ObjectDisposedException. No
// SafeHandle here ever frees a borrowed handle. Id lists are read into
// plain objects at once and their handles freed.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace MeshCapi
{
    /// <summary>
    /// Runs calls on a borrowed handle while its owner's SafeHandle is held,
    /// so the owner cannot be freed during a call and, once disposed, makes
    /// the call throw ObjectDisposedException.
    /// </summary>
    internal sealed class Owner
    {
        readonly SafeHandle handle;

        internal Owner(SafeHandle handle) { this.handle = handle; }

        internal T Use<T>(Func<T> call)
        {
            bool added = false;
            try
            {
                // Throws ObjectDisposedException once the owner is freed.
                handle.DangerousAddRef(ref added);
                return call();
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        internal string Text(MeshCapi.Text.BufferCall call)
        {
            return Use(() => MeshCapi.Text.Out(call));
        }
    }

    /// <summary>
    /// One attribute: owned (Session.GetAttribute; Dispose frees it) or
    /// borrowed from an object or attribute list (valid while its owner is
    /// not disposed; Dispose does nothing).
    /// </summary>
    public sealed class MeshAttribute : IDisposable
    {
        readonly AttributeHandle handle;
        readonly Owner owner;
        readonly bool owned;

        internal MeshAttribute(AttributeHandle owned)
        {
            handle = owned;
            owner = new Owner(owned);
            this.owned = true;
        }

        internal MeshAttribute(IntPtr borrowed, Owner owner)
        {
            handle = new AttributeHandle(borrowed);
            this.owner = owner;
        }

        public void Dispose()
        {
            if (owned) handle.Dispose();
        }

        /// <summary>Canonical lower-case id.</summary>
        public Guid Id
        {
            get
            {
                return new Guid(owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_attribute_id(handle, b, c, out l);
                }));
            }
        }

        public string Path
        {
            get
            {
                return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_attribute_path(handle, b, c, out l);
                });
            }
        }

        public string Name
        {
            get
            {
                return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_attribute_name(handle, b, c, out l);
                });
            }
        }

        /// <summary>The id of the object it belongs to; "" when the server did not say.</summary>
        public string OwnerId
        {
            get
            {
                return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_attribute_owner_id(handle, b, c, out l);
                });
            }
        }

        /// <summary>A newer server may send a value not named in MeshValueType.</summary>
        public MeshValueType ValueType
        {
            get
            {
                return owner.Use(() =>
                {
                    int type;
                    Native.Check(Native.mesh_attribute_value_type(handle, out type));
                    return (MeshValueType)type;
                });
            }
        }

        public bool IsCollection
        {
            get
            {
                return owner.Use(() =>
                {
                    int flag;
                    Native.Check(Native.mesh_attribute_is_collection(handle, out flag));
                    return flag != 0;
                });
            }
        }

        /// <summary>
        /// One for a single value and a time series; one per element of a
        /// collection or target of a relation; 0 for XY sets and rating curves.
        /// </summary>
        public int ValueCount
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr count;
                    Native.Check(Native.mesh_attribute_value_count(handle, out count));
                    return checked((int)count.ToUInt64());
                });
            }
        }

        // Value `index` of the type asked for; another type or an index out
        // of range throws MeshException (ErrorInvalidArgument).

        public long GetInt(int index = 0)
        {
            return owner.Use(() =>
            {
                long v;
                Native.Check(Native.mesh_attribute_value_int_at(handle, Index(index), out v));
                return v;
            });
        }

        public double GetDouble(int index = 0)
        {
            return owner.Use(() =>
            {
                double v;
                Native.Check(Native.mesh_attribute_value_double_at(handle, Index(index), out v));
                return v;
            });
        }

        public bool GetBool(int index = 0)
        {
            return owner.Use(() =>
            {
                int v;
                Native.Check(Native.mesh_attribute_value_bool_at(handle, Index(index), out v));
                return v != 0;
            });
        }

        /// <summary>Milliseconds since the Unix epoch, UTC (MeshTime.FromUnixMs converts).</summary>
        public long GetUtcTimeMs(int index = 0)
        {
            return owner.Use(() =>
            {
                long v;
                Native.Check(Native.mesh_attribute_value_utc_time_at(handle, Index(index), out v));
                return v;
            });
        }

        public DateTime GetUtcTime(int index = 0)
        {
            return MeshTime.FromUnixMs(GetUtcTimeMs(index));
        }

        public string GetString(int index = 0)
        {
            return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_attribute_value_string_at(handle, Index(index), b, c, out l);
            });
        }

        /// <summary>The object a relation value points at; "" when nothing.</summary>
        public string GetTargetId(int index = 0)
        {
            return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_attribute_value_target_id_at(handle, Index(index), b, c, out l);
            });
        }

        /// <summary>The values of an int attribute or collection.</summary>
        public long[] GetInts()
        {
            var values = new long[ValueCount];
            for (int i = 0; i < values.Length; i++) values[i] = GetInt(i);
            return values;
        }

        public double[] GetDoubles()
        {
            var values = new double[ValueCount];
            for (int i = 0; i < values.Length; i++) values[i] = GetDouble(i);
            return values;
        }

        public string[] GetStrings()
        {
            var values = new string[ValueCount];
            for (int i = 0; i < values.Length; i++) values[i] = GetString(i);
            return values;
        }

        /// <summary>
        /// The key of the series connected to a time series attribute; 0
        /// when none is (a calculated attribute).
        /// </summary>
        public long TimeseriesKey
        {
            get
            {
                return owner.Use(() =>
                {
                    long key;
                    Native.Check(Native.mesh_attribute_timeseries_key(handle, out key));
                    return key;
                });
            }
        }

        /// <summary>The catalog entry of the connected series, or null when none is connected.</summary>
        public TimeseriesResource TimeseriesResource
        {
            get
            {
                return owner.Use(() =>
                {
                    TimeseriesResourceHandle resource;
                    Native.Check(Native.mesh_attribute_timeseries_resource(handle, out resource));
                    if (resource.IsInvalid)
                    {
                        resource.Dispose();
                        return null;
                    }
                    return new TimeseriesResource(resource);
                });
            }
        }

        /// <summary>Its local expression, or the definition's template when it has none.</summary>
        public string TimeseriesExpression
        {
            get
            {
                return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                {
                    return Native.mesh_attribute_timeseries_expression(handle, b, c, out l);
                });
            }
        }

        public bool IsLocalExpression
        {
            get
            {
                return owner.Use(() =>
                {
                    int flag;
                    Native.Check(Native.mesh_attribute_timeseries_is_local_expression(handle, out flag));
                    return flag != 0;
                });
            }
        }

        /// <summary>The versions of versioned link value `index`, in time order.</summary>
        public IList<LinkVersion> GetLinkVersions(int index = 0)
        {
            return owner.Use(() =>
            {
                UIntPtr count;
                Native.Check(Native.mesh_attribute_version_count_at(handle, Index(index), out count));
                var versions = new List<LinkVersion>();
                for (ulong v = 0; v < count.ToUInt64(); v++)
                {
                    var version = (UIntPtr)v;
                    long from;
                    Native.Check(Native.mesh_attribute_version_valid_from_at(handle, Index(index), version, out from));
                    var target = MeshCapi.Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_attribute_version_target_id_at(handle, Index(index), version, b, c, out l);
                    });
                    versions.Add(new LinkVersion(from, target));
                }
                return (IList<LinkVersion>)new ReadOnlyCollection<LinkVersion>(versions);
            });
        }

        /// <summary>Its definition, or null when read without (MeshView.Full gives it).</summary>
        public AttributeDefinition Definition
        {
            get
            {
                return owner.Use(() =>
                {
                    int has;
                    Native.Check(Native.mesh_attribute_has_definition(handle, out has));
                    return has != 0 ? new AttributeDefinition(handle, owner) : null;
                });
            }
        }

        static UIntPtr Index(int index)
        {
            if (index < 0) throw new ArgumentOutOfRangeException("index");
            return (UIntPtr)(uint)index;
        }
    }

    /// <summary>One version of a versioned link: from when, to which object ("" for none).</summary>
    public sealed class LinkVersion
    {
        public LinkVersion(long validFromMs, string targetId)
        {
            ValidFromMs = validFromMs;
            TargetId = targetId ?? "";
        }

        public long ValidFromMs { get; private set; }
        public string TargetId { get; private set; }
    }

    /// <summary>
    /// One object: owned (Session.GetObject, CreateObject; Dispose frees it
    /// and its attributes) or borrowed from a MeshObjectList (valid while
    /// the list is not disposed; Dispose does nothing).
    /// </summary>
    public sealed class MeshObject : IDisposable
    {
        readonly ObjectHandle handle;
        readonly Owner owner;
        readonly bool owned;

        internal MeshObject(ObjectHandle owned)
        {
            handle = owned;
            owner = new Owner(owned);
            this.owned = true;
        }

        internal MeshObject(IntPtr borrowed, Owner owner)
        {
            handle = new ObjectHandle(borrowed);
            this.owner = owner;
        }

        public void Dispose()
        {
            if (owned) handle.Dispose();
        }

        public Guid Id
        {
            get { return new Guid(owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_id(handle, b, c, out l); })); }
        }

        public string Path
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_path(handle, b, c, out l); }); }
        }

        public string Name
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_name(handle, b, c, out l); }); }
        }

        /// <summary>Its object definition's name, e.g. "PlantElementType".</summary>
        public string TypeName
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_type_name(handle, b, c, out l); }); }
        }

        /// <summary>The ownership attribute that owns it ("" for a model).</summary>
        public string OwnerId
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_owner_id(handle, b, c, out l); }); }
        }

        public string OwnerPath
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_object_owner_path(handle, b, c, out l); }); }
        }

        /// <summary>The attributes it was read with (see the view and name filter of the read).</summary>
        public IList<MeshAttribute> Attributes
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr count;
                    Native.Check(Native.mesh_object_attribute_count(handle, out count));
                    var list = new List<MeshAttribute>();
                    for (ulong i = 0; i < count.ToUInt64(); i++)
                    {
                        IntPtr attribute;
                        Native.Check(Native.mesh_object_attribute_at(handle, (UIntPtr)i, out attribute));
                        list.Add(new MeshAttribute(attribute, owner));
                    }
                    return (IList<MeshAttribute>)new ReadOnlyCollection<MeshAttribute>(list);
                });
            }
        }

        /// <summary>The attribute of this name among those read (ErrorNotFound if none).</summary>
        public MeshAttribute Attribute(string name)
        {
            return owner.Use(() =>
            {
                IntPtr attribute;
                Native.Check(Native.mesh_object_attribute_by_name(handle, MeshCapi.Text.In(name), out attribute));
                return new MeshAttribute(attribute, owner);
            });
        }
    }

    /// <summary>
    /// A list of borrowed items (objects or attributes) a call returned: a
    /// snapshot that owns its items; Dispose frees it and every item taken
    /// from it.
    /// </summary>
    public abstract class MeshItemList<THandle, TItem> : IDisposable where THandle : SafeHandle
    {
        internal delegate MeshStatus CountCall(THandle list, out UIntPtr count);
        internal delegate MeshStatus GetCall(THandle list, UIntPtr index, out IntPtr item);

        readonly THandle handle;
        readonly Owner owner;
        readonly CountCall count;
        readonly GetCall get;
        readonly Func<IntPtr, Owner, TItem> wrap;

        internal MeshItemList(THandle handle, CountCall count, GetCall get, Func<IntPtr, Owner, TItem> wrap)
        {
            this.handle = handle;
            owner = new Owner(handle);
            this.count = count;
            this.get = get;
            this.wrap = wrap;
        }

        public int Count
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr n;
                    Native.Check(count(handle, out n));
                    return checked((int)n.ToUInt64());
                });
            }
        }

        /// <summary>Item `index`, borrowed: valid until this list is disposed.</summary>
        public TItem this[int index]
        {
            get
            {
                if (index < 0) throw new ArgumentOutOfRangeException("index");
                return owner.Use(() =>
                {
                    IntPtr item;
                    Native.Check(get(handle, (UIntPtr)(uint)index, out item));
                    return wrap(item, owner);
                });
            }
        }

        public IEnumerable<TItem> Items
        {
            get
            {
                int n = Count;
                for (int i = 0; i < n; i++) yield return this[i];
            }
        }

        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>Objects a search found: a snapshot; Dispose frees it and every object taken from it.</summary>
    public sealed class MeshObjectList : MeshItemList<ObjectListHandle, MeshObject>
    {
        internal MeshObjectList(ObjectListHandle handle)
            : base(handle, Native.mesh_object_list_count, Native.mesh_object_list_at,
                   (item, owner) => new MeshObject(item, owner))
        {
        }
    }

    /// <summary>Attributes a search found: Dispose frees it and every attribute taken from it.</summary>
    public sealed class MeshAttributeList : MeshItemList<AttributeListHandle, MeshAttribute>
    {
        internal MeshAttributeList(AttributeListHandle handle)
            : base(handle, Native.mesh_attribute_list_count, Native.mesh_attribute_list_at,
                   (item, owner) => new MeshAttribute(item, owner))
        {
        }
    }

    /// <summary>A model thing by id and path (as mesh_object_read_linked_from lists them).</summary>
    public sealed class ModelReference
    {
        internal ModelReference(string id, string path)
        {
            Id = id;
            Path = path;
        }

        public string Id { get; private set; }
        public string Path { get; private set; }
    }

    public sealed partial class Session
    {
        // ------------------------------------------------------------ reading

        /// <summary>The models (the objects at the root), without attributes.</summary>
        public MeshObjectList ListModels()
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_model_list_read(handle, out list));
            return new MeshObjectList(list);
        }

        public Task<MeshObjectList> ListModelsAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectListHandle, MeshObjectList>(handle,
                (out OperationHandle op) => Native.mesh_model_list_read_start(handle, out op),
                Native.mesh_model_list_read_finish, list => new MeshObjectList(list), cancellationToken);
        }

        /// <summary>
        /// The object `target` (id or path). Three masks choose its
        /// attributes, each null for none or comma separated names:
        /// attributeNames (those names), tagNames (those with one of the
        /// tags), namespaceNames (those whose namespace has one of them as
        /// a part; no dots). Names do not combine with tags or namespaces.
        /// </summary>
        public MeshObject GetObject(string target, MeshView view = MeshView.Full, string attributeNames = null,
            string tagNames = null, string namespaceNames = null)
        {
            ObjectHandle obj;
            Native.Check(Native.mesh_object_read(handle, Text.In(target), (int)view, Text.In(attributeNames),
                Text.In(tagNames), Text.In(namespaceNames), out obj));
            return new MeshObject(obj);
        }

        public Task<MeshObject> GetObjectAsync(string target, MeshView view = MeshView.Full, string attributeNames = null,
            string tagNames = null, string namespaceNames = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectHandle, MeshObject>(handle,
                (out OperationHandle op) => Native.mesh_object_read_start(handle, Text.In(target), (int)view,
                    Text.In(attributeNames), Text.In(tagNames), Text.In(namespaceNames), out op),
                Native.mesh_object_read_finish, obj => new MeshObject(obj), cancellationToken);
        }

        /// <summary>
        /// Runs `query` (Mesh's search language) from the object `start`;
        /// nothing found is an empty list. The masks as for GetObject.
        /// </summary>
        public MeshObjectList SearchObjects(string start, string query, MeshView view = MeshView.Full, string attributeNames = null,
            string tagNames = null, string namespaceNames = null)
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_object_search(handle, Text.In(start), Text.In(query), (int)view,
                Text.In(attributeNames), Text.In(tagNames), Text.In(namespaceNames), out list));
            return new MeshObjectList(list);
        }

        public Task<MeshObjectList> SearchObjectsAsync(string start, string query, MeshView view = MeshView.Full,
            string attributeNames = null, string tagNames = null, string namespaceNames = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectListHandle, MeshObjectList>(handle,
                (out OperationHandle op) => Native.mesh_object_search_start(handle, Text.In(start), Text.In(query), (int)view,
                    Text.In(attributeNames), Text.In(tagNames), Text.In(namespaceNames), out op),
                Native.mesh_object_search_finish, list => new MeshObjectList(list), cancellationToken);
        }

        /// <summary>The objects of the object definition `definition` (id or path). The masks as for GetObject.</summary>
        public MeshObjectList SearchObjectsByDefinition(string definition, MeshView view = MeshView.Full, string attributeNames = null,
            string tagNames = null, string namespaceNames = null)
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_object_search_by_definition(handle, Text.In(definition), (int)view,
                Text.In(attributeNames), Text.In(tagNames), Text.In(namespaceNames), out list));
            return new MeshObjectList(list);
        }

        public Task<MeshObjectList> SearchObjectsByDefinitionAsync(string definition, MeshView view = MeshView.Full,
            string attributeNames = null, string tagNames = null, string namespaceNames = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<ObjectListHandle, MeshObjectList>(handle,
                (out OperationHandle op) => Native.mesh_object_search_by_definition_start(handle, Text.In(definition), (int)view,
                    Text.In(attributeNames), Text.In(tagNames), Text.In(namespaceNames), out op),
                Native.mesh_object_search_by_definition_finish, list => new MeshObjectList(list), cancellationToken);
        }

        /// <summary>The attribute `target` (id or path, "Model/.../Object.Attribute").</summary>
        public MeshAttribute GetAttribute(string target, MeshView view = MeshView.Full)
        {
            AttributeHandle attribute;
            Native.Check(Native.mesh_attribute_read(handle, Text.In(target), (int)view, out attribute));
            return new MeshAttribute(attribute);
        }

        public Task<MeshAttribute> GetAttributeAsync(string target, MeshView view = MeshView.Full, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<AttributeHandle, MeshAttribute>(handle,
                (out OperationHandle op) => Native.mesh_attribute_read_start(handle, Text.In(target), (int)view, out op),
                Native.mesh_attribute_read_finish, attribute => new MeshAttribute(attribute), cancellationToken);
        }

        /// <summary>Runs `query`, ending in ".Name" or ".A,B", from the object `start`.</summary>
        public MeshAttributeList SearchAttributes(string start, string query, MeshView view = MeshView.Full)
        {
            AttributeListHandle list;
            Native.Check(Native.mesh_attribute_search(handle, Text.In(start), Text.In(query), (int)view, out list));
            return new MeshAttributeList(list);
        }

        public Task<MeshAttributeList> SearchAttributesAsync(string start, string query, MeshView view = MeshView.Full,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<AttributeListHandle, MeshAttributeList>(handle,
                (out OperationHandle op) => Native.mesh_attribute_search_start(handle, Text.In(start), Text.In(query), (int)view, out op),
                Native.mesh_attribute_search_finish, list => new MeshAttributeList(list), cancellationToken);
        }

        /// <summary>The link relation attributes that point at the object `target`.</summary>
        public IList<ModelReference> LinkedFrom(string target)
        {
            IdListHandle ids;
            Native.Check(Native.mesh_object_read_linked_from(handle, Text.In(target), out ids));
            return ReadReferences(ids);
        }

        public Task<IList<ModelReference>> LinkedFromAsync(string target, CancellationToken cancellationToken = default(CancellationToken))
        {
            return MeshOperation.Start<IdListHandle, IList<ModelReference>>(handle,
                (out OperationHandle op) => Native.mesh_object_read_linked_from_start(handle, Text.In(target), out op),
                Native.mesh_object_read_linked_from_finish, ReadReferences, cancellationToken);
        }

        static IList<ModelReference> ReadReferences(IdListHandle ids)
        {
            using (ids)
            {
                UIntPtr count;
                Native.Check(Native.mesh_id_list_count(ids, out count));
                var list = new List<ModelReference>();
                for (ulong i = 0; i < count.ToUInt64(); i++)
                {
                    var index = (UIntPtr)i;
                    var id = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_id_list_id_at(ids, index, b, c, out l);
                    });
                    var path = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_id_list_path_at(ids, index, b, c, out l);
                    });
                    list.Add(new ModelReference(id, path));
                }
                return new ReadOnlyCollection<ModelReference>(list);
            }
        }
    }
}
