using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ApiProxyGateway.UnitTests.Architecture;

/// <summary>
/// The type definitions of an assembly that one of its types uses, read from the metadata: base type, interfaces,
/// generic constraints, attributes, field, property, method and local signatures, caught exception types, and every
/// type, method and field an IL instruction names (so a fully qualified name, a static call or a lambda counts).
/// The signature decoding returns nothing; it only collects.
/// </summary>
internal sealed class ReferencedTypes(MetadataReader reader) : ISignatureTypeProvider<bool, object?>
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!) // ! OpCodes has only static OpCode fields
        .ToDictionary(code => code.Value, code => code.OperandType);

    public HashSet<TypeDefinitionHandle> Found { get; } = [];

    public static HashSet<TypeDefinitionHandle> Of(PEReader pe, MetadataReader reader, TypeDefinitionHandle handle)
    {
        var uses = new ReferencedTypes(reader);
        var type = reader.GetTypeDefinition(handle);
        uses.Entity(type.BaseType);
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            uses.Entity(reader.GetInterfaceImplementation(implementation).Interface);
        }

        uses.Attributes(type.GetCustomAttributes());
        uses.Constraints(type.GetGenericParameters());
        foreach (var field in type.GetFields().Select(reader.GetFieldDefinition))
        {
            field.DecodeSignature(uses, null);
            uses.Attributes(field.GetCustomAttributes());
        }

        foreach (var property in type.GetProperties().Select(reader.GetPropertyDefinition))
        {
            property.DecodeSignature(uses, null);
            uses.Attributes(property.GetCustomAttributes());
        }

        foreach (var method in type.GetMethods().Select(reader.GetMethodDefinition))
        {
            method.DecodeSignature(uses, null);
            uses.Attributes(method.GetCustomAttributes());
            uses.Constraints(method.GetGenericParameters());
            foreach (var parameter in method.GetParameters())
            {
                uses.Attributes(reader.GetParameter(parameter).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress != 0)
            {
                uses.Body(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }

        return uses.Found;
    }

    public bool GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => Found.Add(handle);

    public bool GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => false;

    public bool GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
    {
        Entity(handle);
        return false;
    }

    public bool GetArrayType(bool elementType, ArrayShape shape) => false;

    public bool GetByReferenceType(bool elementType) => false;

    public bool GetFunctionPointerType(MethodSignature<bool> signature) => false;

    public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => false;

    public bool GetGenericMethodParameter(object? genericContext, int index) => false;

    public bool GetGenericTypeParameter(object? genericContext, int index) => false;

    public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => false;

    public bool GetPinnedType(bool elementType) => false;

    public bool GetPointerType(bool elementType) => false;

    public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => false;

    public bool GetSZArrayType(bool elementType) => false;

    private void Entity(EntityHandle handle)
    {
        if (handle.IsNil)
        {
            return; // an interface's base type, a clause that catches nothing
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                Found.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                break;
            case HandleKind.MethodDefinition:
                Found.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                Found.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                Entity(member.Parent);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(this, null);
                }
                else
                {
                    member.DecodeFieldSignature(this, null);
                }

                break;
            case HandleKind.MethodSpecification:
                var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                Entity(specification.Method);
                specification.DecodeSignature(this, null);
                break;
            default:
                break; // a type in another assembly
        }
    }

    private void Attributes(CustomAttributeHandleCollection attributes)
    {
        foreach (var attribute in attributes)
        {
            Entity(reader.GetCustomAttribute(attribute).Constructor);
        }
    }

    private void Constraints(GenericParameterHandleCollection parameters)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in reader.GetGenericParameter(parameter).GetConstraints())
            {
                Entity(reader.GetGenericParameterConstraint(constraint).Type);
            }
        }
    }

    private void Body(MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
        {
            reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
        }

        foreach (var region in body.ExceptionRegions)
        {
            Entity(region.CatchType);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[code])
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString or OperandType.InlineSig:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                default:
                    break; // no operand
            }
        }
    }
}
