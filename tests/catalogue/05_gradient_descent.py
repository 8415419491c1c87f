"""Lesson 05: typical mistakes and correct variants of update_params, gradient_descent, minibatch_sgd."""

from tests.catalogue import Mistake, Variant

MISTAKES = [
    # -- update_params --------------------------------------------------------------------------
    Mistake(
        "update_params",
        "wrong_sign",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] + learning_rate * grads["d" + k] for k in ("W1", "b1", "W2", "b2")}
""",
        hint="against the gradient",
        mistake="update_params.wrong_sign",
    ),
    Mistake(
        "update_params",
        "in_place",
        """
def update_params(params, grads, learning_rate):
    for k in ("W1", "b1", "W2", "b2"):
        params[k] -= learning_rate * grads["d" + k]
    return params
""",
        hint="changed its input in place",
        mistake="update_params.modifies_params",
    ),
    Mistake(
        "update_params",
        "reassigns_into_input_dict",
        """
def update_params(params, grads, learning_rate):
    for k in params:
        params[k] = params[k] - learning_rate * grads["d" + k]
    return params
""",
        hint="changes the caller's dict",
        mistake="update_params.modifies_params",
    ),
    Mistake(
        "update_params",
        "gradient_key_without_d",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] - learning_rate * grads[k] for k in params}
""",
        hint="grads['d' + k]",
        mistake="update_params.gradient_key_without_d",
    ),
    Mistake(
        "update_params",
        "zip_by_position",
        """
def update_params(params, grads, learning_rate):
    new = {}
    for (k, p), g in zip(params.items(), grads.values()):
        new[k] = p - learning_rate * g
    return new
""",
        hint="by name",
        mistake="update_params.paired_by_position",
    ),
    Mistake(
        "update_params",
        "forgets_biases",
        """
def update_params(params, grads, learning_rate):
    new = dict(params)
    new["W1"] = params["W1"] - learning_rate * grads["dW1"]
    new["W2"] = params["W2"] - learning_rate * grads["dW2"]
    return new
""",
        hint="biases b1 and b2 too",
        mistake="update_params.parameter_not_updated",
    ),
    Mistake(
        "update_params",
        "no_learning_rate",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] - grads["d" + k] for k in ("W1", "b1", "W2", "b2")}
""",
        hint="multiply the gradient by learning_rate",
        mistake="update_params.no_learning_rate",
    ),
    # -- gradient_descent ---------------------------------------------------------------------
    Mistake(
        "gradient_descent",
        "records_every_iteration",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        history["iteration"].append(i)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="every 10 iterations",
        mistake="gradient_descent.records_every_iteration",
    ),
    Mistake(
        "gradient_descent",
        "accuracy_as_percentage",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(100 * np.mean(np.argmax(probs, axis=1) == y))
            if X_dev is not None:
                history["dev_accuracy"].append(100 * np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="percentage",
        mistake="gradient_descent.accuracy_percentage",
    ),
    Mistake(
        "gradient_descent",
        "fixed_learning_rate",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    alpha = 0.5
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), alpha)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="learning_rate",
        mistake="",
    ),
    Mistake(
        "gradient_descent",
        "ignores_seed",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="pass the seed on",
        mistake="gradient_descent.ignores_seed",
    ),
    Mistake(
        "gradient_descent",
        "dev_accuracy_always",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": [], "dev_accuracy": []}
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="only when x_dev",
        mistake="gradient_descent.dev_accuracy_without_dev_set",
    ),
    Mistake(
        "gradient_descent",
        "dev_accuracy_on_train",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            acc = float(np.mean(np.argmax(probs, axis=1) == y))
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(acc)
            if X_dev is not None:
                history["dev_accuracy"].append(acc)
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="x_dev and y_dev",
        mistake="gradient_descent.accuracy_of_other_set",
    ),
    Mistake(
        "gradient_descent",
        "own_update_forgets_biases",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        grads = backward(X, y, params, cache)
        params = {"W1": params["W1"] - learning_rate * grads["dW1"], "b1": params["b1"],
                  "W2": params["W2"] - learning_rate * grads["dW2"], "b2": params["b2"]}
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="all of w1, b1, w2, b2",
        mistake="gradient_descent.parameters_not_updated",
    ),
    Mistake(
        "gradient_descent",
        "wrong_sign_own_update",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        grads = backward(X, y, params, cache)
        params = {k: params[k] + learning_rate * grads["d" + k] for k in params}
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="against the gradient",
        mistake="",
    ),
    Mistake(
        "gradient_descent",
        "never_uses_new_params",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        new_params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return new_params, history
""",
        hint="assign the update back",
        mistake="gradient_descent.update_not_used",
    ),
    Mistake(
        "gradient_descent",
        "centres_x_in_place",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    X -= X.mean(axis=0)
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="changed its input in place",
        mistake="gradient_descent.modifies_inputs",
    ),
    Mistake(
        "gradient_descent",
        "one_extra_iteration",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations + 1):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="exactly `iterations` steps",
        mistake="gradient_descent.extra_iteration",
    ),
    Mistake(
        "gradient_descent",
        "ignores_init",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="the init argument was ignored",
        mistake="gradient_descent.ignores_init",
    ),
    Mistake(
        "gradient_descent",
        "callback_only_when_recording",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
            if callback is not None:
                callback(i, history)
        params = update_params(params, backward(X, y, params, cache), learning_rate)
    return params, history
""",
        hint="only at the iterations that add a record",
        mistake="gradient_descent.callback_only_at_records",
    ),
    Mistake(
        "gradient_descent",
        "callback_counts_from_1",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i + 1, history)
    return params, history
""",
        hint="counted from 0",
        mistake="gradient_descent.callback_counts_from_one",
    ),
    Mistake(
        "gradient_descent",
        "callback_never_called",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
    return params, history
""",
        hint="once after every iteration",
        mistake="gradient_descent.callback_never_called",
    ),
    # One-based loops: no record of the untrained network, and every record one step early.
    Mistake(
        "gradient_descent",
        "records_numbered_from_one_randomstate_init",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    rs = np.random.RandomState(seed)
    n_in = X.shape[1]
    if init is None:
        params = {
            "W1": rs.randn(n_in, n_hidden) * np.sqrt(2.0 / n_in),
            "b1": np.zeros(n_hidden),
            "W2": rs.randn(n_hidden, 10) * np.sqrt(2.0 / n_hidden),
            "b2": np.zeros(10),
        }
    else:
        params = init(n_in=n_in, n_hidden=n_hidden, n_out=10, seed=seed)
    keys = ["iteration", "loss", "train_accuracy"] + (["dev_accuracy"] if X_dev is not None else [])
    history = {k: [] for k in keys}
    for step in range(1, iterations + 1):
        probs, cache = forward(X, params)
        if step % 10 == 0 or step == iterations:
            history["iteration"].append(step)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(np.mean(np.argmax(probs, axis=1) == y))
            if X_dev is not None:
                dev_probs, _ = forward(X_dev, params)
                history["dev_accuracy"].append(np.mean(np.argmax(dev_probs, axis=1) == y_dev))
        grads = backward(X, y, params, cache)
        params = update_params(params, grads, learning_rate)
        if callback is not None:
            callback(step - 1, history)
    return params, history
""",
        hint="numbered from 1",
        mistake="gradient_descent.records_from_one",
    ),
    # -- minibatch_sgd --------------------------------------------------------------------------
    Mistake(
        "minibatch_sgd",
        "never_shuffles",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        for start in range(0, X.shape[0], batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            if augment is not None:
                Xb = augment(Xb)
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, yb, params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="fresh permutation at the start of every epoch",
        mistake="minibatch_sgd.rows_not_shuffled",
    ),
    Mistake(
        "minibatch_sgd",
        "one_update_per_epoch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for epoch in range(epochs):
        idx = rng.permutation(X.shape[0])[:batch_size]
        Xb = X[idx] if augment is None else augment(X[idx])
        probs, cache = forward(Xb, params)
        params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
        probs, _ = forward(X, params)
        history["iteration"].append(epoch + 1)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="every batch of the epoch gets its own update",
        mistake="minibatch_sgd.iteration_counts_epochs",
    ),
    Mistake(
        "minibatch_sgd",
        "drops_last_batch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    n_batches = X.shape[0] // batch_size
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="the last batch holds the rows left over",
        mistake="minibatch_sgd.drops_last_batch",
    ),
    Mistake(
        "minibatch_sgd",
        "loss_averaged_over_batches",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        losses = []
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            losses.append(cross_entropy(probs, y[idx]))
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(float(np.mean(losses)))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="whole training set",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "unseeded_shuffle",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = np.random.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="np.random.default_rng(seed)",
        mistake="minibatch_sgd.not_reproducible",
    ),
    Mistake(
        "minibatch_sgd",
        "shuffles_x_and_y_separately",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        Xs = X[rng.permutation(X.shape[0])]
        ys = y[rng.permutation(X.shape[0])]
        for start in range(0, X.shape[0], batch_size):
            Xb, yb = Xs[start:start + batch_size], ys[start:start + batch_size]
            if augment is not None:
                Xb = augment(Xb)
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, yb, params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="same permutation",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "shuffles_inputs_in_place",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        X[:] = X[order]
        y[:] = y[order]
        for start in range(0, X.shape[0], batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            if augment is not None:
                Xb = augment(Xb)
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, yb, params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="in place",
        mistake="minibatch_sgd.modifies_inputs",
    ),
    Mistake(
        "minibatch_sgd",
        "iteration_counts_epochs",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
        probs, _ = forward(X, params)
        history["iteration"].append(epoch + 1)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="counts the updates",
        mistake="minibatch_sgd.iteration_counts_epochs",
    ),
    Mistake(
        "minibatch_sgd",
        "records_every_batch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
            probs, _ = forward(X, params)
            history["iteration"].append(updates)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="once per epoch",
        mistake="minibatch_sgd.records_every_batch",
    ),
    Mistake(
        "minibatch_sgd",
        "fixed_learning_rate",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), 0.1)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="learning_rate",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "accuracy_as_count",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(int(np.sum(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(int(np.sum(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="count",
        mistake="minibatch_sgd.accuracy_count",
    ),
    Mistake(
        "minibatch_sgd",
        "ignores_update",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = update_params(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="take every step with params = update(params, grads, learning_rate)",
        mistake="minibatch_sgd.ignores_update",
    ),
    Mistake(
        "minibatch_sgd",
        "ignores_augment",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            probs, cache = forward(X[idx], params)
            params = step(params, backward(X[idx], y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="apply it to every batch's images before the forward pass",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "callback_after_every_batch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
            if callback is not None:
                callback(updates, history)
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
    return params, history
""",
        hint="once after every epoch",
        mistake="minibatch_sgd.callback_after_every_batch",
    ),
]


# Mistakes found by trying the contract's every promise (history values, shuffles, callables).
MISTAKES += [
    Mistake(
        "update_params",
        "shallow_copy_in_place",
        """
def update_params(params, grads, learning_rate):
    new_params = params.copy()
    for k in new_params:
        new_params[k] -= learning_rate * grads["d" + k]
    return new_params
""",
        hint="changes the caller's arrays",
        mistake="update_params.modifies_params",
    ),
    Mistake(
        "update_params",
        "loops_over_grads",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] - learning_rate * grads[k] for k in grads}
""",
        hint="grads['d' + k]",
        mistake="update_params.loops_over_gradient_names",
    ),
    Mistake(
        "update_params",
        "subtract_out_param",
        """
def update_params(params, grads, learning_rate):
    for name in ("W1", "b1", "W2", "b2"):
        np.subtract(params[name], learning_rate * grads["d" + name], out=params[name])
    return dict(params)
""",
        hint="changed its input in place",
        mistake="update_params.modifies_params",
    ),
    Mistake(
        "update_params",
        "updates_only_the_weights_in_a_loop",
        """
def update_params(params, grads, learning_rate):
    new_params = dict(params)
    for name in ("W1", "W2"):
        new_params[name] = params[name] - learning_rate * grads["d" + name]
    return new_params
""",
        hint="the biases b1 and b2 too",
        mistake="update_params.parameter_not_updated",
    ),
    Mistake(
        "gradient_descent",
        "records_after_the_update",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if i % 10 == 0 or i == iterations - 1:
            probs, _ = forward(X, params)
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="after that iteration's update",
        mistake="gradient_descent.recorded_after_update",
    ),
    Mistake(
        "gradient_descent",
        "loss_of_the_dev_probs",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                probs, _ = forward(X_dev, params)
                history["dev_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y_dev)))
                history["loss"].append(cross_entropy(probs, y_dev))
            else:
                history["loss"].append(cross_entropy(probs, y))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="loss on the dev set",
        mistake="gradient_descent.loss_of_dev_set",
    ),
    Mistake(
        "gradient_descent",
        "summed_loss",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(float(-np.sum(np.log(probs[np.arange(len(y)), y]))))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="summed over the examples",
        mistake="gradient_descent.loss_summed",
    ),
    Mistake(
        "gradient_descent",
        "accuracy_on_one_hot_entries",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    eye = np.eye(10)
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(eye[np.argmax(probs, axis=1)] == eye[y])))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="one-hot rows",
        mistake="gradient_descent.accuracy_one_hot",
    ),
    Mistake(
        "gradient_descent",
        "normalises_dev_in_place",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    if X_dev is not None:
        X_dev -= X_dev.mean(axis=0)
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="changed its input in place",
        mistake="gradient_descent.modifies_inputs",
    ),
    Mistake(
        "gradient_descent",
        "no_record_at_the_last_iteration",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="i == iterations - 1",
        mistake="gradient_descent.no_last_record",
    ),
    Mistake(
        "gradient_descent",
        "argmax_over_examples",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=0) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="raised valueerror",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "generator_made_every_epoch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = np.random.default_rng(seed).permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="draw a new permutation",
        mistake="minibatch_sgd.same_shuffle_every_epoch",
    ),
    Mistake(
        "minibatch_sgd",
        "shuffles_once_before_training",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    order = rng.permutation(X.shape[0])
    for epoch in range(epochs):
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="same order in every epoch",
        mistake="minibatch_sgd.same_shuffle_every_epoch",
    ),
    Mistake(
        "minibatch_sgd",
        "batches_drawn_with_replacement",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.integers(0, X.shape[0], size=X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="not rows with replacement",
        mistake="minibatch_sgd.rows_not_once_per_epoch",
    ),
    Mistake(
        "minibatch_sgd",
        "shuffles_the_batch_order_only",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    starts = np.arange(0, X.shape[0], batch_size)
    for epoch in range(epochs):
        order = np.arange(X.shape[0])
        for start in rng.permutation(starts):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="not the order of fixed batches",
        mistake="minibatch_sgd.batches_not_rows_shuffled",
    ),
    Mistake(
        "minibatch_sgd",
        "gradient_of_the_whole_set",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(X, params)
            params = step(params, backward(X, y, params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="whole training set",
        mistake="minibatch_sgd.gradient_of_whole_set",
    ),
    Mistake(
        "minibatch_sgd",
        "records_before_the_epoch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="start of its epoch",
        mistake="minibatch_sgd.recorded_at_epoch_start",
    ),
    Mistake(
        "minibatch_sgd",
        "loss_of_the_last_batch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        batch_loss = cross_entropy(probs, y[idx])
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(batch_loss)
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="history['loss'] on the 'scheduled' case",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "loss_of_the_dev_probs",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            probs, _ = forward(X_dev, params)
            history["dev_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y_dev)))
            history["loss"].append(cross_entropy(probs, y_dev))
        else:
            history["loss"].append(cross_entropy(probs, y))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="losses on the dev set",
        mistake="minibatch_sgd.loss_of_dev_set",
    ),
    Mistake(
        "minibatch_sgd",
        "iteration_counts_this_epoch",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        updates = 0
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="restarts every epoch",
        mistake="minibatch_sgd.iteration_per_epoch",
    ),
    Mistake(
        "minibatch_sgd",
        "augments_only_the_forward_pass",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            probs, cache = forward(X[idx] if augment is None else augment(X[idx]), params)
            params = step(params, backward(X[idx], y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="pass that x_batch to backward too",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "augments_all_images_once",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    X_train = X if augment is None else augment(X)
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            probs, cache = forward(X_train[idx], params)
            params = step(params, backward(X_train[idx], y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="moved differently in different rows",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "update_with_a_fixed_rate",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), 0.1)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="with learning_rate=0 nothing should change",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "callback_epoch_from_one",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch + 1, history)
    return params, history
""",
        hint="counted from 1",
        mistake="minibatch_sgd.callback_counts_from_one",
    ),
]


# Callbacks called early or with their arguments swapped; a missing return.
MISTAKES += [
    Mistake(
        "update_params",
        "updates_in_place_returns_nothing",
        """
def update_params(params, grads, learning_rate):
    for name in params:
        params[name] = params[name] - learning_rate * grads["d" + name]
""",
        hint="returned none",
        mistake="update_params.returns_none",
    ),
    Mistake(
        "gradient_descent",
        "callback_before_the_record",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if callback is not None:
            callback(i, history)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
    return params, history
""",
        hint="before the iteration's record",
        mistake="gradient_descent.callback_before_record",
    ),
    Mistake(
        "gradient_descent",
        "callback_arguments_swapped",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(history, i)
    return params, history
""",
        hint="something else than",
        mistake="gradient_descent.callback_arguments",
    ),
    Mistake(
        "minibatch_sgd",
        "callback_before_the_record",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        if callback is not None:
            callback(epoch, history)
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
    return params, history
""",
        hint="before the epoch's record",
        mistake="minibatch_sgd.callback_before_record",
    ),
    Mistake(
        "minibatch_sgd",
        "returns_only_the_params",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params
""",
        hint="return params, history",
        mistake="minibatch_sgd.returns_params_only",
    ),
]


# Tried against the checks as a student would (a last batch of one row, labels left in order,
# the wrong labels for the dev set, a learning rate of one's own).
MISTAKES += [
    Mistake(
        "minibatch_sgd",
        "range_stops_one_short",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0] - 1, batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="the last batch holds the rows left over",
        mistake="minibatch_sgd.drops_last_batch",
    ),
    Mistake(
        "minibatch_sgd",
        "labels_not_shuffled_with_rows",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[start:start + batch_size], params, cache), learning_rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="x and y with the same permutation",
        mistake="minibatch_sgd.rows_not_shuffled",
    ),
    Mistake(
        "gradient_descent",
        "dev_accuracy_against_train_labels",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y[:len(X_dev)])))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
        hint="history['dev_accuracy']",
        mistake="",
    ),
    Mistake(
        "minibatch_sgd",
        "decaying_rate",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    step = update_params if update is None else update
    rng = np.random.default_rng(seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    updates = 0
    for epoch in range(epochs):
        order = rng.permutation(X.shape[0])
        rate = learning_rate / (1 + epoch)
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx] if augment is None else augment(X[idx])
            probs, cache = forward(Xb, params)
            params = step(params, backward(Xb, y[idx], params, cache), rate)
            updates += 1
        probs, _ = forward(X, params)
        history["iteration"].append(updates)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
        hint="history['loss'] on the 'scheduled' case",
        mistake="",
    ),
]

VARIANTS = [
    # -- update_params --------------------------------------------------------------------------
    Variant(
        "update_params",
        "explicit_loop",
        """
def update_params(params, grads, learning_rate):
    new_params = {}
    for name in ["W1", "b1", "W2", "b2"]:
        step = learning_rate * grads["d" + name]
        new_params[name] = params[name] - step
    return new_params
""",
    ),
    Variant(
        "update_params",
        "np_subtract_copy",
        """
def update_params(params, grads, learning_rate):
    new_params = {k: v.copy() for k, v in params.items()}
    for k in new_params:
        new_params[k] -= learning_rate * grads[f"d{k}"]
    return new_params
""",
    ),
    Variant(
        "update_params",
        "helper_function",
        """
def _step(value, gradient, rate):
    return np.subtract(value, rate * gradient)

def update_params(params, grads, learning_rate):
    return {name: _step(params[name], grads["d" + name], learning_rate) for name in params}
""",
    ),
    # -- gradient_descent ---------------------------------------------------------------------
    Variant(
        "gradient_descent",
        "own_he_init_w2_first",
        """
def _accuracy_of(probs, labels):
    return float((probs.argmax(axis=1) == labels).mean())

def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    rng = np.random.default_rng(seed)
    n_in = X.shape[1]
    W2 = rng.normal(0.0, np.sqrt(2.0 / n_hidden), size=(n_hidden, 10)).astype(np.float32)
    W1 = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden)).astype(np.float32)
    params = {"W1": W1, "b1": np.zeros(n_hidden, np.float32), "W2": W2, "b2": np.zeros(10, np.float32)}
    if init is not None:
        params = init(n_in, n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        probs, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(cross_entropy(probs, y))
            history["train_accuracy"].append(_accuracy_of(probs, y))
            if X_dev is not None:
                history["dev_accuracy"].append(_accuracy_of(forward(X_dev, params)[0], y_dev))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
    ),
    Variant(
        "gradient_descent",
        "while_loop_float32",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    X = np.asarray(X, dtype=np.float32)
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None and y_dev is not None:
        history["dev_accuracy"] = []
    i = 0
    while i < iterations:
        probs, cache = forward(X, params)
        grads = backward(X, y, params, cache)
        if i % 10 == 0 or i == iterations - 1:
            predictions = np.argmax(probs, axis=1)
            history["iteration"].append(i)
            history["loss"].append(float(cross_entropy(probs, y)))
            history["train_accuracy"].append(float(np.sum(predictions == y) / len(y)))
            if "dev_accuracy" in history:
                dev_predictions = np.argmax(forward(X_dev, params)[0], axis=1)
                history["dev_accuracy"].append(float(np.sum(dev_predictions == y_dev) / len(y_dev)))
        params = update_params(params, grads, np.float32(learning_rate))
        if callback is not None:
            callback(i, history)
        i += 1
    return params, history
""",
    ),
    # -- minibatch_sgd --------------------------------------------------------------------------
    Variant(
        "minibatch_sgd",
        "shuffle_index_array",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    rng = np.random.default_rng(seed)
    params = init_params(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    index = np.arange(len(X))
    steps = 0
    for epoch in range(epochs):
        rng.shuffle(index)
        X_shuffled, y_shuffled = X[index], y[index]
        start = 0
        while start < len(X):
            Xb = X_shuffled[start:start + batch_size]
            yb = y_shuffled[start:start + batch_size]
            if augment is not None:
                Xb = augment(Xb)
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, yb, params, cache), learning_rate)
            steps += 1
            start += batch_size
        probs, _ = forward(X, params)
        history["iteration"].append(steps)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(probs.argmax(1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(forward(X_dev, params)[0].argmax(1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
    ),
    Variant(
        "minibatch_sgd",
        "randomstate_own_init",
        """
def _evaluate(X, y, params):
    probs, _ = forward(X, params)
    return cross_entropy(probs, y), float(np.mean(np.argmax(probs, axis=1) == y))

def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    rs = np.random.RandomState(seed)
    n_in = X.shape[1]
    params = {"b2": np.zeros(10), "W2": rs.standard_normal((n_hidden, 10)) * np.sqrt(2 / n_hidden),
              "b1": np.zeros(n_hidden), "W1": rs.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)}
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    n_batches = int(np.ceil(X.shape[0] / batch_size))
    for epoch in range(epochs):
        perm = rs.permutation(X.shape[0])
        for b in range(n_batches):
            rows = perm[b * batch_size:(b + 1) * batch_size]
            Xb = X[rows] if augment is None else augment(X[rows])
            probs, cache = forward(Xb, params)
            grads = backward(Xb, y[rows], params, cache)
            params = (update or update_params)(params, grads, learning_rate)
        loss, acc = _evaluate(X, y, params)
        history["iteration"].append((epoch + 1) * n_batches)
        history["loss"].append(loss)
        history["train_accuracy"].append(acc)
        if X_dev is not None:
            history["dev_accuracy"].append(_evaluate(X_dev, y_dev, params)[1])
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
    ),
    Variant(
        "minibatch_sgd",
        "array_split_batches_copy",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    X_work, y_work = X.copy(), y.copy()
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    count = 0
    for epoch in range(epochs):
        state = rng.bit_generator.state
        rng.shuffle(X_work)
        rng.bit_generator.state = state
        rng.shuffle(y_work)
        for Xb, yb in zip(np.split(X_work, range(batch_size, len(X_work), batch_size)),
                          np.split(y_work, range(batch_size, len(y_work), batch_size))):
            if augment is not None:
                Xb = augment(Xb)
            probs, cache = forward(Xb, params)
            params = (update or update_params)(params, backward(Xb, yb, params, cache), learning_rate)
            count += 1
        probs, _ = forward(X, params)
        history["iteration"].append(count)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(float(np.mean(np.argmax(probs, axis=1) == y)))
        if X_dev is not None:
            history["dev_accuracy"].append(float(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev)))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
    ),
]

# Correct variants: other idioms, float32 and float64 runs, histories as arrays.
VARIANTS += [
    Variant(
        "update_params",
        "items_comprehension",
        """
def update_params(params, grads, learning_rate):
    return {name: value - learning_rate * grads["d" + name] for name, value in params.items()}
""",
    ),
    Variant(
        "update_params",
        "keys_from_gradients",
        """
def update_params(params, grads, learning_rate):
    return {key[1:]: params[key[1:]] - learning_rate * grad for key, grad in grads.items()}
""",
    ),
    Variant(
        "update_params",
        "deepcopy_then_in_place",
        """
import copy

def update_params(params, grads, learning_rate):
    new_params = copy.deepcopy(params)
    for name in new_params:
        new_params[name] -= learning_rate * grads["d" + name]
    return new_params
""",
    ),
    Variant(
        "gradient_descent",
        "history_as_arrays_float64",
        """
def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    X = X.astype(np.float64)
    params = init_params(X.shape[1], n_hidden, 10, seed) if init is None else init(X.shape[1], n_hidden, 10, seed)
    steps, losses, train_acc, dev_acc = [], [], [], []
    history = {"iteration": steps, "loss": losses, "train_accuracy": train_acc}
    if X_dev is not None and y_dev is not None:
        history["dev_accuracy"] = dev_acc
    for i in range(iterations):
        probs, cache = forward(X, params)
        if not i % 10 or i + 1 == iterations:
            steps.append(i)
            losses.append(cross_entropy(probs, y))
            train_acc.append(np.mean(probs.argmax(axis=1) == y))
            if "dev_accuracy" in history:
                dev_acc.append(np.mean(forward(X_dev.astype(np.float64), params)[0].argmax(axis=1) == y_dev))
        grads = backward(X, y, params, cache)
        params = update_params(params, grads, learning_rate)
        if callback:
            callback(i, history)
    return params, {key: np.array(values) for key, values in history.items()}
""",
    ),
    Variant(
        "gradient_descent",
        "own_log_softmax_loss",
        """
def _mean_loss(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(labels)), labels].mean())

def gradient_descent(X, y, n_hidden=10, learning_rate=0.5, iterations=500, seed=0, X_dev=None, y_dev=None,
                     init=None, callback=None):
    params = (init or init_params)(X.shape[1], n_hidden, 10, seed)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for i in range(iterations):
        _, cache = forward(X, params)
        if i % 10 == 0 or i == iterations - 1:
            history["iteration"].append(i)
            history["loss"].append(_mean_loss(cache["Z2"], y))
            history["train_accuracy"].append(float(np.mean(cache["Z2"].argmax(axis=1) == y)))
            if X_dev is not None:
                history["dev_accuracy"].append(float(np.mean(forward(X_dev, params)[1]["Z2"].argmax(axis=1) == y_dev)))
        params = update_params(params, backward(X, y, params, cache), learning_rate)
        if callback is not None:
            callback(i, history)
    return params, history
""",
    ),
    Variant(
        "minibatch_sgd",
        "choice_without_replacement_float32",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    X = X.astype(np.float32)
    rng = np.random.default_rng(seed)
    params = init_params(X.shape[1], n_hidden, 10, seed)
    take_step = update or update_params
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    n = X.shape[0]
    done = 0
    for epoch in range(epochs):
        order = rng.choice(n, size=n, replace=False)
        start = 0
        while start < n:
            rows = order[start:start + batch_size]
            images = X[rows]
            if augment is not None:
                images = augment(images)
            probs, cache = forward(images, params)
            params = take_step(params, backward(images, y[rows], params, cache), learning_rate)
            done += 1
            start += batch_size
        probs, _ = forward(X, params)
        history["iteration"].append(done)
        history["loss"].append(float(cross_entropy(probs, y)))
        history["train_accuracy"].append(float((probs.argmax(axis=1) == y).mean()))
        if X_dev is not None:
            dev_probs, _ = forward(X_dev.astype(np.float32), params)
            history["dev_accuracy"].append(float((dev_probs.argmax(axis=1) == y_dev).mean()))
        if callback is not None:
            callback(epoch, history)
    return params, history
""",
    ),
    Variant(
        "minibatch_sgd",
        "batch_loop_by_index_history_arrays",
        """
def minibatch_sgd(X, y, n_hidden=10, learning_rate=0.1, epochs=10, batch_size=64, seed=0, X_dev=None, y_dev=None,
                  update=None, augment=None, callback=None):
    params = init_params(X.shape[1], n_hidden, 10, seed)
    rng = np.random.default_rng(seed)
    n_batches = -(-len(X) // batch_size)
    history = {"iteration": [], "loss": [], "train_accuracy": []}
    if X_dev is not None:
        history["dev_accuracy"] = []
    for epoch in range(epochs):
        perm = rng.permutation(len(X))
        X_shuffled, y_shuffled = X[perm], y[perm]
        for b in range(n_batches):
            X_batch = X_shuffled[b * batch_size:(b + 1) * batch_size]
            y_batch = y_shuffled[b * batch_size:(b + 1) * batch_size]
            if augment is not None:
                X_batch = augment(X_batch)
            probs, cache = forward(X_batch, params)
            grads = backward(X_batch, y_batch, params, cache)
            params = update_params(params, grads, learning_rate) if update is None else update(params, grads, learning_rate)
        probs, _ = forward(X, params)
        history["iteration"].append((epoch + 1) * n_batches)
        history["loss"].append(cross_entropy(probs, y))
        history["train_accuracy"].append(np.mean(np.argmax(probs, axis=1) == y))
        if X_dev is not None:
            history["dev_accuracy"].append(np.mean(np.argmax(forward(X_dev, params)[0], axis=1) == y_dev))
        if callback is not None:
            callback(epoch, history)
    return params, {k: np.asarray(v) for k, v in history.items()}
""",
    ),
]
