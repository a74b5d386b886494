package io.raftkv.raft;

import io.raftkv.raft.message.Message;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of {@link Message} is handled by name: the node's dispatcher and the validator are
 * {@link Message.Visitor}s, so a kind added to {@code Message}'s {@code permits} does not compile until both
 * handle it. This test closes the remaining gap: each kind must call the visitor method meant for it, one
 * method per kind, none left over.
 */
class MessageKindsTest {

    @Test
    void everyKindOfMessageReachesItsOwnVisitorMethod() throws Exception {
        Class<?>[] kinds = Message.class.getPermittedSubclasses();
        Method[] visits = Message.Visitor.class.getDeclaredMethods();
        assertThat(visits).as("one visitor method per kind of message").hasSameSizeAs(kinds);
        Set<Class<?>> reached = new HashSet<>();
        for (Class<?> kind : kinds) {
            Message m = sample(kind);
            Method[] called = new Method[1];
            InvocationHandler recorder = (proxy, method, args) -> {
                called[0] = method;
                return null;
            };
            Message.Visitor<?> visitor = (Message.Visitor<?>) Proxy.newProxyInstance(
                    Message.class.getClassLoader(), new Class<?>[] {Message.Visitor.class}, recorder);
            m.accept(visitor);
            assertThat(called[0]).as("visitor method called by %s", kind.getSimpleName()).isNotNull();
            assertThat(called[0].getParameterTypes()).as("%s goes to %s", kind.getSimpleName(), called[0].getName())
                    .containsExactly(kind);
            reached.add(kind);
        }
        assertThat(reached).containsExactlyInAnyOrder(kinds);
    }

    /** An instance of a message record with zero/empty components. */
    private static Message sample(Class<?> kind) throws Exception {
        RecordComponent[] components = kind.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            values[i] = t == long.class ? 0L : t == int.class ? 0 : t == boolean.class ? false
                    : t == List.class ? List.of() : t == byte[].class ? new byte[0] : null;
        }
        Constructor<?> c = kind.getDeclaredConstructor(types);
        return (Message) c.newInstance(values);
    }
}
