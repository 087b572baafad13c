package io.scenariobuilder.core.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A real database behind a door a test can close: while it is down, every new connection is refused as a restarting or
 * unreachable database refuses it (SQL state 08001); connections already open go on working.
 */
final class OutageDataSource {

    static final String REFUSED = "connection refused (the database is restarting)";

    private final AtomicBoolean down = new AtomicBoolean();
    private final DataSource dataSource;

    OutageDataSource(DataSource real) {
        dataSource = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && down.get()) {
                        throw new SQLTransientConnectionException(REFUSED, "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    DataSource dataSource() {
        return dataSource;
    }

    void down(boolean isDown) {
        down.set(isDown);
    }
}
