// MeshCapi.Model.cs: the Mesh model in the .NET binding of mesh_capi:
// objects and attributes (read, searched, updated, created), their values
// by type and their definitions, XY sets and rating curves.
//
// Objects and attributes are live views over the library's snapshots. A
// list owns its items and an object its attributes: the items borrow their
// handles, so every call on one holds a reference on its owner's
// SafeHandle (a Dispose meanwhile frees the owner after the call), and
// after the owner is disposed they throw ObjectDisposedException. No
// SafeHandle here ever frees a borrowed handle. XY sets, rating curves and
// id lists are read into plain objects at once and their handles freed.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

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
                Native.Check(Native.mesh_attribute_value_int(handle, Index(index), out v));
                return v;
            });
        }

        public double GetDouble(int index = 0)
        {
            return owner.Use(() =>
            {
                double v;
                Native.Check(Native.mesh_attribute_value_double(handle, Index(index), out v));
                return v;
            });
        }

        public bool GetBool(int index = 0)
        {
            return owner.Use(() =>
            {
                int v;
                Native.Check(Native.mesh_attribute_value_bool(handle, Index(index), out v));
                return v != 0;
            });
        }

        /// <summary>Milliseconds since the Unix epoch, UTC (MeshTime.FromUnixMs converts).</summary>
        public long GetUtcTimeMs(int index = 0)
        {
            return owner.Use(() =>
            {
                long v;
                Native.Check(Native.mesh_attribute_value_utc_time(handle, Index(index), out v));
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
                return Native.mesh_attribute_value_string(handle, Index(index), b, c, out l);
            });
        }

        /// <summary>The object a relation value points at; "" when nothing.</summary>
        public string GetTargetId(int index = 0)
        {
            return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l)
            {
                return Native.mesh_attribute_value_target_id(handle, Index(index), b, c, out l);
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
                Native.Check(Native.mesh_attribute_version_count(handle, Index(index), out count));
                var versions = new List<LinkVersion>();
                for (ulong v = 0; v < count.ToUInt64(); v++)
                {
                    var version = (UIntPtr)v;
                    long from;
                    Native.Check(Native.mesh_attribute_version_valid_from(handle, Index(index), version, out from));
                    var target = MeshCapi.Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_attribute_version_target_id(handle, Index(index), version, b, c, out l);
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
    /// An attribute's definition, a view valid as long as the attribute. A
    /// field the definition's type has not (the minimum of a string
    /// definition) throws MeshException (ErrorInvalidArgument).
    /// </summary>
    public sealed class AttributeDefinition
    {
        readonly AttributeHandle handle;
        readonly Owner owner;

        internal AttributeDefinition(AttributeHandle handle, Owner owner)
        {
            this.handle = handle;
            this.owner = owner;
        }

        public string Id
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_id(handle, b, c, out l); }); }
        }

        /// <summary>"Repository/...".</summary>
        public string Path
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_path(handle, b, c, out l); }); }
        }

        public string Description
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_description(handle, b, c, out l); }); }
        }

        public string Namespace
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_namespace(handle, b, c, out l); }); }
        }

        /// <summary>E.g. "DoubleAttributeDefinition".</summary>
        public string TypeName
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_type_name(handle, b, c, out l); }); }
        }

        /// <summary>Int, double and time series definitions; "" when none.</summary>
        public string Unit
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_unit(handle, b, c, out l); }); }
        }

        /// <summary>Time series definitions.</summary>
        public string TemplateExpression
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_template_expression(handle, b, c, out l); }); }
        }

        /// <summary>String and UTC time definitions (as the text Mesh sends).</summary>
        public string DefaultString
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_default_string(handle, b, c, out l); }); }
        }

        /// <summary>UTC time definitions (as the text Mesh sends).</summary>
        public string MinimumString
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_minimum_string(handle, b, c, out l); }); }
        }

        public string MaximumString
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_maximum_string(handle, b, c, out l); }); }
        }

        /// <summary>Relation definitions: the object type they point at.</summary>
        public string TargetTypeName
        {
            get { return owner.Text(delegate(byte[] b, UIntPtr c, out UIntPtr l) { return Native.mesh_attribute_definition_target_type_name(handle, b, c, out l); }); }
        }

        public IList<string> Tags
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr count;
                    Native.Check(Native.mesh_attribute_definition_tag_count(handle, out count));
                    var tags = new List<string>();
                    for (ulong i = 0; i < count.ToUInt64(); i++)
                    {
                        var index = (UIntPtr)i;
                        tags.Add(MeshCapi.Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                        {
                            return Native.mesh_attribute_definition_tag(handle, index, b, c, out l);
                        }));
                    }
                    return (IList<string>)new ReadOnlyCollection<string>(tags);
                });
            }
        }

        public long MinimumCardinality
        {
            get { return owner.Use(() => { long v; Native.Check(Native.mesh_attribute_definition_minimum_cardinality(handle, out v)); return v; }); }
        }

        public long MaximumCardinality
        {
            get { return owner.Use(() => { long v; Native.Check(Native.mesh_attribute_definition_maximum_cardinality(handle, out v)); return v; }); }
        }

        public long DefaultInt
        {
            get { return owner.Use(() => { long v; Native.Check(Native.mesh_attribute_definition_default_int(handle, out v)); return v; }); }
        }

        public long MinimumInt
        {
            get { return owner.Use(() => { long v; Native.Check(Native.mesh_attribute_definition_minimum_int(handle, out v)); return v; }); }
        }

        public long MaximumInt
        {
            get { return owner.Use(() => { long v; Native.Check(Native.mesh_attribute_definition_maximum_int(handle, out v)); return v; }); }
        }

        public double DefaultDouble
        {
            get { return owner.Use(() => { double v; Native.Check(Native.mesh_attribute_definition_default_double(handle, out v)); return v; }); }
        }

        public double MinimumDouble
        {
            get { return owner.Use(() => { double v; Native.Check(Native.mesh_attribute_definition_minimum_double(handle, out v)); return v; }); }
        }

        public double MaximumDouble
        {
            get { return owner.Use(() => { double v; Native.Check(Native.mesh_attribute_definition_maximum_double(handle, out v)); return v; }); }
        }

        public bool DefaultBool
        {
            get { return owner.Use(() => { int v; Native.Check(Native.mesh_attribute_definition_default_bool(handle, out v)); return v != 0; }); }
        }
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
                        Native.Check(Native.mesh_object_attribute(handle, (UIntPtr)i, out attribute));
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

    /// <summary>Objects a search found: a snapshot; Dispose frees it and every object taken from it.</summary>
    public sealed class MeshObjectList : IDisposable
    {
        readonly ObjectListHandle handle;
        readonly Owner owner;

        internal MeshObjectList(ObjectListHandle handle)
        {
            this.handle = handle;
            owner = new Owner(handle);
        }

        public int Count
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr count;
                    Native.Check(Native.mesh_object_list_count(handle, out count));
                    return checked((int)count.ToUInt64());
                });
            }
        }

        /// <summary>Object `index`, borrowed: valid until this list is disposed.</summary>
        public MeshObject this[int index]
        {
            get
            {
                if (index < 0) throw new ArgumentOutOfRangeException("index");
                return owner.Use(() =>
                {
                    IntPtr item;
                    Native.Check(Native.mesh_object_list_get(handle, (UIntPtr)(uint)index, out item));
                    return new MeshObject(item, owner);
                });
            }
        }

        public IEnumerable<MeshObject> Items
        {
            get
            {
                int n = Count;
                for (int i = 0; i < n; i++) yield return this[i];
            }
        }

        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>Attributes a search found: Dispose frees it and every attribute taken from it.</summary>
    public sealed class MeshAttributeList : IDisposable
    {
        readonly AttributeListHandle handle;
        readonly Owner owner;

        internal MeshAttributeList(AttributeListHandle handle)
        {
            this.handle = handle;
            owner = new Owner(handle);
        }

        public int Count
        {
            get
            {
                return owner.Use(() =>
                {
                    UIntPtr count;
                    Native.Check(Native.mesh_attribute_list_count(handle, out count));
                    return checked((int)count.ToUInt64());
                });
            }
        }

        /// <summary>Attribute `index`, borrowed: valid until this list is disposed.</summary>
        public MeshAttribute this[int index]
        {
            get
            {
                if (index < 0) throw new ArgumentOutOfRangeException("index");
                return owner.Use(() =>
                {
                    IntPtr item;
                    Native.Check(Native.mesh_attribute_list_get(handle, (UIntPtr)(uint)index, out item));
                    return new MeshAttribute(item, owner);
                });
            }
        }

        public IEnumerable<MeshAttribute> Items
        {
            get
            {
                int n = Count;
                for (int i = 0; i < n; i++) yield return this[i];
            }
        }

        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>A model thing by id and path (as mesh_object_linked_from lists them).</summary>
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

    /// <summary>One XY curve: its reference value (e.g. a height) and its points.</summary>
    public sealed class XyCurve
    {
        public XyCurve(double referenceValue, double[] x, double[] y)
        {
            if (x == null || y == null) throw new ArgumentNullException(x == null ? "x" : "y");
            if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
            ReferenceValue = referenceValue;
            X = x;
            Y = y;
        }

        public double ReferenceValue { get; private set; }
        public double[] X { get; private set; }
        public double[] Y { get; private set; }
    }

    /// <summary>One XY set: when it starts (MeshConstants.NoTime: unversioned) and its curves.</summary>
    public sealed class XySet
    {
        public XySet(long validFromMs, IList<XyCurve> curves)
        {
            ValidFromMs = validFromMs;
            Curves = new ReadOnlyCollection<XyCurve>(new List<XyCurve>(curves ?? new XyCurve[0]));
        }

        public long ValidFromMs { get; private set; }
        public IList<XyCurve> Curves { get; private set; }
    }

    /// <summary>One version of a rating curve: from when, its x range start and segments.</summary>
    public sealed class RatingCurveVersion
    {
        public RatingCurveVersion(long validFromMs, double xRangeFrom, double[] xRangeUntil,
            double[] factorA, double[] factorB, double[] factorC)
        {
            if (xRangeUntil == null || factorA == null || factorB == null || factorC == null)
                throw new ArgumentNullException("xRangeUntil");
            int n = xRangeUntil.Length;
            if (factorA.Length != n || factorB.Length != n || factorC.Length != n)
                throw new ArgumentException("segment arrays differ in length");
            ValidFromMs = validFromMs;
            XRangeFrom = xRangeFrom;
            XRangeUntil = xRangeUntil;
            FactorA = factorA;
            FactorB = factorB;
            FactorC = factorC;
        }

        public long ValidFromMs { get; private set; }
        public double XRangeFrom { get; private set; }
        public double[] XRangeUntil { get; private set; }
        public double[] FactorA { get; private set; }
        public double[] FactorB { get; private set; }
        public double[] FactorC { get; private set; }
    }

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
        // ------------------------------------------------------------ reading

        /// <summary>The models (the objects at the root), without attributes.</summary>
        public MeshObjectList ListModels()
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_model_list(handle, out list));
            return new MeshObjectList(list);
        }

        /// <summary>
        /// The object `target` (id or path). attributeNames: null for all,
        /// or comma separated names to read only those.
        /// </summary>
        public MeshObject GetObject(string target, MeshView view = MeshView.Full, string attributeNames = null)
        {
            ObjectHandle obj;
            Native.Check(Native.mesh_object_get(handle, Text.In(target), (int)view, Text.In(attributeNames), out obj));
            return new MeshObject(obj);
        }

        /// <summary>Runs `query` (Mesh's search language) from the object `start`; nothing found is an empty list.</summary>
        public MeshObjectList SearchObjects(string start, string query, MeshView view = MeshView.Full, string attributeNames = null)
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_object_search(handle, Text.In(start), Text.In(query), (int)view,
                Text.In(attributeNames), out list));
            return new MeshObjectList(list);
        }

        /// <summary>The objects of the object definition `definition` (id or path).</summary>
        public MeshObjectList SearchObjectsByDefinition(string definition, MeshView view = MeshView.Full, string attributeNames = null)
        {
            ObjectListHandle list;
            Native.Check(Native.mesh_object_search_by_definition(handle, Text.In(definition), (int)view,
                Text.In(attributeNames), out list));
            return new MeshObjectList(list);
        }

        /// <summary>The attribute `target` (id or path, "Model/.../Object.Attribute").</summary>
        public MeshAttribute GetAttribute(string target, MeshView view = MeshView.Full)
        {
            AttributeHandle attribute;
            Native.Check(Native.mesh_attribute_get(handle, Text.In(target), (int)view, out attribute));
            return new MeshAttribute(attribute);
        }

        /// <summary>Runs `query`, ending in ".Name" or ".A,B", from the object `start`.</summary>
        public MeshAttributeList SearchAttributes(string start, string query, MeshView view = MeshView.Full)
        {
            AttributeListHandle list;
            Native.Check(Native.mesh_attribute_search(handle, Text.In(start), Text.In(query), (int)view, out list));
            return new MeshAttributeList(list);
        }

        /// <summary>The link relation attributes that point at the object `target`.</summary>
        public IList<ModelReference> LinkedFrom(string target)
        {
            IdListHandle ids;
            Native.Check(Native.mesh_object_linked_from(handle, Text.In(target), out ids));
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
                        return Native.mesh_id_list_id(ids, index, b, c, out l);
                    });
                    var path = Text.Out(delegate(byte[] b, UIntPtr c, out UIntPtr l)
                    {
                        return Native.mesh_id_list_path(ids, index, b, c, out l);
                    });
                    list.Add(new ModelReference(id, path));
                }
                return new ReadOnlyCollection<ModelReference>(list);
            }
        }

        // ------------------------------------------------------------ updates (in this session)

        public void SetAttribute(string target, long value)
        {
            Native.Check(Native.mesh_attribute_set_int(handle, Text.In(target), value));
        }

        public void SetAttribute(string target, double value)
        {
            Native.Check(Native.mesh_attribute_set_double(handle, Text.In(target), value));
        }

        public void SetAttribute(string target, bool value)
        {
            Native.Check(Native.mesh_attribute_set_bool(handle, Text.In(target), value ? 1 : 0));
        }

        public void SetAttribute(string target, string value)
        {
            Native.Check(Native.mesh_attribute_set_string(handle, Text.In(target), Text.In(value)));
        }

        public void SetAttribute(string target, DateTime value)
        {
            SetAttributeUtcTime(target, MeshTime.ToUnixMs(value));
        }

        /// <summary>A UTC time attribute, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTime(string target, long valueMs)
        {
            Native.Check(Native.mesh_attribute_set_utc_time(handle, Text.In(target), valueMs));
        }

        public void SetAttribute(string target, long[] values)
        {
            Native.Check(Native.mesh_attribute_set_ints(handle, Text.In(target), values, Count(values)));
        }

        public void SetAttribute(string target, double[] values)
        {
            Native.Check(Native.mesh_attribute_set_doubles(handle, Text.In(target), values, Count(values)));
        }

        public void SetAttribute(string target, bool[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            var numbers = new int[values.Length];
            for (int i = 0; i < values.Length; i++) numbers[i] = values[i] ? 1 : 0;
            Native.Check(Native.mesh_attribute_set_bools(handle, Text.In(target), numbers, Count(values)));
        }

        public void SetAttribute(string target, string[] values)
        {
            if (values == null) throw new ArgumentNullException("values");
            using (var texts = new TextArray(values))
                Native.Check(Native.mesh_attribute_set_strings(handle, Text.In(target), texts.Pointers, Count(values)));
        }

        /// <summary>A UTC time collection, in ms since the Unix epoch.</summary>
        public void SetAttributeUtcTimes(string target, long[] valuesMs)
        {
            Native.Check(Native.mesh_attribute_set_utc_times(handle, Text.In(target), valuesMs, Count(valuesMs)));
        }

        /// <summary>Connects a time series attribute to the series with this key.</summary>
        public void SetTimeseriesKey(string target, long key)
        {
            Native.Check(Native.mesh_attribute_set_timeseries_key(handle, Text.In(target), key));
        }

        /// <summary>Sets a time series attribute's local expression.</summary>
        public void SetExpression(string target, string expression)
        {
            Native.Check(Native.mesh_attribute_set_expression(handle, Text.In(target), Text.In(expression)));
        }

        /// <summary>Replaces (or, append: adds to) the targets of a link relation.</summary>
        public void SetLinks(string target, IList<string> targetIds, bool append = false)
        {
            if (targetIds == null) throw new ArgumentNullException("targetIds");
            using (var ids = new TextArray(targetIds))
                Native.Check(Native.mesh_attribute_set_links(handle, Text.In(target), ids.Pointers,
                    (UIntPtr)(uint)targetIds.Count, append ? 1 : 0));
        }

        /// <summary>
        /// Replaces the versions of a one-to-one versioned link in
        /// [startMs, endMs) (both MeshConstants.NoTime: all time).
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
                Native.Check(Native.mesh_attribute_set_link_versions(handle, Text.In(target), startMs, endMs,
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
                Native.Check(Native.mesh_attribute_set_link_version_entries(handle, Text.In(target), sizes,
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

        // ------------------------------------------------------------ XY sets and rating curves

        /// <summary>
        /// The XY sets of `target` valid in [startMs, endMs) (both
        /// MeshConstants.NoTime for an unversioned attribute); versionsOnly:
        /// only when each starts, without curves.
        /// </summary>
        public IList<XySet> GetXySets(string target, long startMs, long endMs, bool versionsOnly = false)
        {
            XySetsHandle sets;
            Native.Check(Native.mesh_xy_sets_get(handle, Text.In(target), startMs, endMs, versionsOnly ? 1 : 0, out sets));
            using (sets)
            {
                UIntPtr count;
                Native.Check(Native.mesh_xy_sets_count(sets, out count));
                var result = new List<XySet>();
                for (ulong s = 0; s < count.ToUInt64(); s++)
                {
                    var set = (UIntPtr)s;
                    long from;
                    UIntPtr curveCount;
                    Native.Check(Native.mesh_xy_sets_valid_from(sets, set, out from));
                    Native.Check(Native.mesh_xy_sets_curve_count(sets, set, out curveCount));
                    var curves = new List<XyCurve>();
                    for (ulong c = 0; c < curveCount.ToUInt64(); c++)
                    {
                        var curve = (UIntPtr)c;
                        double reference;
                        UIntPtr points;
                        Native.Check(Native.mesh_xy_sets_curve_reference_value(sets, set, curve, out reference));
                        Native.Check(Native.mesh_xy_sets_curve_point_count(sets, set, curve, out points));
                        int n = checked((int)points.ToUInt64());
                        var x = new double[n];
                        var y = new double[n];
                        if (n > 0) Native.Check(Native.mesh_xy_sets_curve_points(sets, set, curve, x, y, points));
                        curves.Add(new XyCurve(reference, x, y));
                    }
                    result.Add(new XySet(from, curves));
                }
                return new ReadOnlyCollection<XySet>(result);
            }
        }

        /// <summary>
        /// Replaces the XY sets of `target` in [startMs, endMs) with these;
        /// both NoTime (and one set valid from NoTime) for an unversioned one.
        /// </summary>
        public void UpdateXySets(string target, long startMs, long endMs, IList<XySet> sets)
        {
            if (sets == null) throw new ArgumentNullException("sets");
            XySetsHandle built;
            Native.Check(Native.mesh_xy_sets_new(out built));
            using (built)
            {
                foreach (var set in sets)
                {
                    Native.Check(Native.mesh_xy_sets_add_set(built, set.ValidFromMs));
                    foreach (var curve in set.Curves)
                        Native.Check(Native.mesh_xy_sets_add_curve(built, curve.ReferenceValue, curve.X, curve.Y,
                            Count(curve.X)));
                }
                Native.Check(Native.mesh_xy_sets_update(handle, Text.In(target), startMs, endMs, built));
            }
        }

        /// <summary>The rating curve versions of `target` in [startMs, endMs); versionsOnly: without segments.</summary>
        public IList<RatingCurveVersion> GetRatingCurve(string target, long startMs, long endMs, bool versionsOnly = false)
        {
            RatingCurveHandle curve;
            Native.Check(Native.mesh_rating_curve_get(handle, Text.In(target), startMs, endMs, versionsOnly ? 1 : 0, out curve));
            using (curve)
            {
                UIntPtr count;
                Native.Check(Native.mesh_rating_curve_version_count(curve, out count));
                var versions = new List<RatingCurveVersion>();
                for (ulong v = 0; v < count.ToUInt64(); v++)
                {
                    var version = (UIntPtr)v;
                    long from;
                    double xFrom;
                    UIntPtr segments;
                    Native.Check(Native.mesh_rating_curve_valid_from(curve, version, out from));
                    Native.Check(Native.mesh_rating_curve_x_range_from(curve, version, out xFrom));
                    Native.Check(Native.mesh_rating_curve_segment_count(curve, version, out segments));
                    int n = checked((int)segments.ToUInt64());
                    var until = new double[n];
                    var a = new double[n];
                    var b = new double[n];
                    var c = new double[n];
                    if (n > 0) Native.Check(Native.mesh_rating_curve_segments(curve, version, until, a, b, c, segments));
                    versions.Add(new RatingCurveVersion(from, xFrom, until, a, b, c));
                }
                return new ReadOnlyCollection<RatingCurveVersion>(versions);
            }
        }

        /// <summary>Replaces the rating curve versions of `target` in [startMs, endMs) with these.</summary>
        public void UpdateRatingCurve(string target, long startMs, long endMs, IList<RatingCurveVersion> versions)
        {
            if (versions == null) throw new ArgumentNullException("versions");
            RatingCurveHandle built;
            Native.Check(Native.mesh_rating_curve_new(out built));
            using (built)
            {
                foreach (var v in versions)
                    Native.Check(Native.mesh_rating_curve_add_version(built, v.ValidFromMs, v.XRangeFrom,
                        v.XRangeUntil, v.FactorA, v.FactorB, v.FactorC, Count(v.XRangeUntil)));
                Native.Check(Native.mesh_rating_curve_update(handle, Text.In(target), startMs, endMs, built));
            }
        }

        static UIntPtr Count(Array values)
        {
            if (values == null) throw new ArgumentNullException("values");
            return (UIntPtr)(uint)values.Length;
        }
    }
}
