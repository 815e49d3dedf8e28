// MeshCapi.Definition.cs: attribute definitions in the .NET binding of
// mesh_capi: a view over an attribute's definition (its type's fields
// by name), valid as long as the attribute.

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace MeshCapi
{
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
                            return Native.mesh_attribute_definition_tag_at(handle, index, b, c, out l);
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
}
