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
    ),
    Mistake(
        "update_params",
        "gradient_key_without_d",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] - learning_rate * grads[k] for k in params}
""",
        hint="grads['d' + k]",
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
    ),
    Mistake(
        "update_params",
        "no_learning_rate",
        """
def update_params(params, grads, learning_rate):
    return {k: params[k] - grads["d" + k] for k in ("W1", "b1", "W2", "b2")}
""",
        hint="multiply the gradient by learning_rate",
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
        hint="not only when a record is added",
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
        hint="last batch may be smaller",
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
        "one_based_iterations_randomstate_init",
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
